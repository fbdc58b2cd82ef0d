using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>Table-driven lookups on the test zone: no sockets, no reply building.</summary>
public sealed class ZoneSetLookupTests
{
    private static readonly ZoneSet Zones = ZoneFixtures.TestZones();

    [Theory]
    [InlineData("www.example.test.", RecordType.A, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("WWW.EXAMPLE.TEST.", RecordType.A, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("www.example.test.", RecordType.AAAA, LookupOutcome.NoData, 0, "example.test.")]
    [InlineData("nothere.example.test.", RecordType.A, LookupOutcome.NameError, 0, "example.test.")]
    [InlineData("c.d.example.test.", RecordType.A, LookupOutcome.NoData, 0, "example.test.")]
    [InlineData("a.b.c.d.example.test.", RecordType.A, LookupOutcome.NameError, 0, "example.test.")]
    [InlineData("chain1.example.test.", RecordType.A, LookupOutcome.Answer, 4, "example.test.")]
    [InlineData("chain1.example.test.", RecordType.CNAME, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("to-missing.example.test.", RecordType.A, LookupOutcome.NameError, 1, "example.test.")]
    [InlineData("to-ent.example.test.", RecordType.A, LookupOutcome.NoData, 1, "example.test.")]
    [InlineData("foo.wild.example.test.", RecordType.TXT, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("a.b.wild.example.test.", RecordType.A, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("deep.sub.wild.example.test.", RecordType.A, LookupOutcome.NameError, 0, "example.test.")]
    [InlineData("x.wcname.example.test.", RecordType.A, LookupOutcome.Answer, 2, "example.test.")]
    [InlineData("a.x.ent.example.test.", RecordType.A, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("ent.example.test.", RecordType.A, LookupOutcome.NoData, 0, "example.test.")]
    [InlineData("z.blk.example.test.", RecordType.A, LookupOutcome.NoData, 0, "example.test.")]
    [InlineData("q.z.blk.example.test.", RecordType.A, LookupOutcome.NameError, 0, "example.test.")]
    [InlineData("q.blk.example.test.", RecordType.A, LookupOutcome.Answer, 1, "example.test.")]
    [InlineData("below.deleg.example.test.", RecordType.A, LookupOutcome.Delegation, 0, "example.test.")]
    [InlineData("deleg.example.test.", RecordType.NS, LookupOutcome.Delegation, 0, "example.test.")]
    [InlineData("outside.example.test.", RecordType.A, LookupOutcome.ExternalCname, 1, "example.test.")]
    [InlineData("to-other-zone.example.test.", RecordType.A, LookupOutcome.ExternalCname, 1, "example.test.")]
    [InlineData("back.other.test.", RecordType.A, LookupOutcome.ExternalCname, 1, "other.test.")]
    [InlineData("www.example.org.", RecordType.A, LookupOutcome.NotAuthoritative, 0, null)]
    public void FindsWhatRfc1034And4592Say(string name, ushort type, LookupOutcome outcome, int answers, string? zone)
    {
        var result = default(LookupResult);

        Zones.Lookup(DnsName.Parse(name).Key, type, ref result);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(answers, result.AnswerCount);
        Assert.Equal(zone, result.QueryZone?.Name);
    }

    [Fact]
    public void FollowsIntoOurOtherZonesForRecursiveQueries()
    {
        var result = default(LookupResult);

        Zones.Lookup(DnsName.Parse("to-other-zone.example.test.").Key, RecordType.A, ref result, followAcrossZones: true);

        Assert.Equal(LookupOutcome.Answer, result.Outcome);
        Assert.Equal(2, result.AnswerCount);
        Assert.Equal("other.test.", result.Zone!.Name);
    }

    [Fact]
    public void StopsCnameLoops()
    {
        var zone = ZoneFixtures.Parse("loop.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\na CNAME b\nb CNAME a\n");
        var result = default(LookupResult);

        new ZoneSet([zone]).Lookup(DnsName.Parse("a.loop.test.").Key, RecordType.A, ref result);

        Assert.Equal(LookupResult.MaxChain, result.AnswerCount);
    }

    [Fact]
    public void UsesTheMostSpecificZone()
    {
        var parent = ZoneFixtures.Parse("amazonaws.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n* A 10.0.0.9\n");
        var child = ZoneFixtures.Parse("s3.amazonaws.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n");
        var result = default(LookupResult);

        new ZoneSet([parent, child]).Lookup(DnsName.Parse("x.s3.amazonaws.test.").Key, RecordType.A, ref result);

        Assert.Equal(LookupOutcome.NameError, result.Outcome);
        Assert.Equal("s3.amazonaws.test.", result.Zone!.Name);
    }
}
