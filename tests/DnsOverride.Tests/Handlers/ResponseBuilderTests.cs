using ARSoft.Tools.Net.Dns;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Tests.Zones;
using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;
using RecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace Endpoints.DnsOverride.Tests.Handlers;

/// <summary>Lookup results turned into bytes, decoded by ARSoft.Tools.Net as an independent check.</summary>
public sealed class ResponseBuilderTests
{
    private static readonly ZoneSet Zones = new(
    [
        ..ZoneFixtures.TestZones().Zones,
        ZoneFixtures.Parse("big.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n" +
            string.Concat(Enumerable.Range(0, 40).Select(i => $"t TXT \"{i:D3}{new string('x', 100)}\"\n"))),
    ]);

    private static (QueryContext Context, DnsMessage Message) Answer(byte[] query, DnsTransport transport = DnsTransport.Udp)
    {
        var context = new QueryContext();
        context.Reset(transport);
        query.CopyTo(context.Request, 0);
        context.RequestLength = query.Length;
        context.ParseStatus = DnsQuery.Parse(query, context.NameKey, out context.Query);
        if (context.ParseStatus != QueryParseStatus.Ok)
        {
            ResponseBuilder.WriteError(context, context.ParseStatus == QueryParseStatus.BadVers ? ResponseCode.BadVers : ResponseCode.FormErr);
        }
        else
        {
            var result = default(LookupResult);
            Zones.Lookup(context.QName, context.Query.QType, ref result);
            ResponseBuilder.WriteAnswer(context, ref result);
        }

        return (context, DnsWire.Parse(context.Response[..context.ResponseLength]));
    }

    [Fact]
    public void EchoesTheQuestionByteForByte()
    {
        var query = DnsWire.BuildQuery("MuLtI.ExAmPlE.tEsT", 1, recursionDesired: true);

        var (context, message) = Answer(query);

        Assert.Equal(query.AsSpan(12, query.Length - 23).ToArray(), context.Response.AsSpan(12, query.Length - 23).ToArray());
        Assert.Equal(0x1234, message.TransactionID);
        Assert.True(message.IsAuthoritiveAnswer);
        Assert.True(message.IsRecursionDesired);
        Assert.Equal(3, message.AnswerRecords.Count);
        Assert.All(message.AnswerRecords, r => Assert.Equal("MuLtI.ExAmPlE.tEsT.", r.Name.ToString()));
    }

    [Fact]
    public void EchoesEdnsWithOurPayloadAndTheDoBit()
    {
        var query = DnsWire.BuildQuery("www.example.test", 1, ednsPayload: 4096);
        query[^4] = 0x80;

        var (_, message) = Answer(query);

        Assert.True(message.IsEDnsEnabled);
        Assert.Equal(1232, message.EDnsOptions!.UdpPayloadSize);
        Assert.True(message.IsDnsSecOk);
    }

    [Fact]
    public void AnswersWithoutEdnsWithoutOpt()
    {
        var (_, message) = Answer(DnsWire.BuildQuery("www.example.test", 1, ednsPayload: null));

        Assert.False(message.IsEDnsEnabled);
        Assert.Single(message.AnswerRecords);
    }

    [Fact]
    public void TruncatesOverUdpAndAnswersInFullOverTcp()
    {
        var (udp, truncated) = Answer(DnsWire.BuildQuery("t.big.test", 16));
        var (_, full) = Answer(DnsWire.BuildQuery("t.big.test", 16), DnsTransport.Tcp);

        Assert.True(truncated.IsTruncated);
        Assert.Empty(truncated.AnswerRecords);
        Assert.True(truncated.IsEDnsEnabled);
        Assert.True(udp.ResponseLength <= 1232);
        Assert.False(full.IsTruncated);
        Assert.Equal(40, full.AnswerRecords.Count);
    }

    [Fact]
    public void HonoursASmallerClientBuffer()
    {
        var (context, message) = Answer(DnsWire.BuildQuery("t.big.test", 16, ednsPayload: 512));

        Assert.True(message.IsTruncated);
        Assert.True(context.ResponseLength <= 512);
    }

    [Fact]
    public void NegativeAnswersCarryTheSoaWithTheNegativeTtl()
    {
        var (_, message) = Answer(DnsWire.BuildQuery("nothere.example.test", 1));

        Assert.Equal(ReturnCode.NxDomain, message.ReturnCode);
        var soa = Assert.Single(message.AuthorityRecords);
        Assert.Equal(RecordType.Soa, soa.RecordType);
        Assert.Equal(300, soa.TimeToLive);
    }

    [Fact]
    public void ReferralsAreNotAuthoritativeAndCarryGlue()
    {
        var (_, message) = Answer(DnsWire.BuildQuery("x.below.deleg.example.test", 1));

        Assert.False(message.IsAuthoritiveAnswer);
        Assert.Empty(message.AnswerRecords);
        Assert.Equal(2, message.AuthorityRecords.Count);
        Assert.Equal("ns.deleg.example.test.", Assert.Single(message.AdditionalRecords, r => r.RecordType == RecordType.A).Name.ToString());
    }

    [Fact]
    public void BadVersionUsesTheExtendedRcode()
    {
        var query = DnsWire.BuildQuery("www.example.test", 1);
        query[^5] = 1;

        var (_, message) = Answer(query);

        Assert.Equal(ReturnCode.BadVersion, message.ReturnCode);
        Assert.Empty(message.AnswerRecords);
    }
}
