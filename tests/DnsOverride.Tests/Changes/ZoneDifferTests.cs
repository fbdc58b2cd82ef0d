using Endpoints.DnsOverride.Changes;
using Endpoints.DnsOverride.Tests.Zones;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Changes;

/// <summary>What a change to a zone does, RRset by RRset, and when it is refused: no sockets, no git.</summary>
public sealed class ZoneDifferTests
{
    private static readonly DateOnly Today = new(2026, 11, 26);

    private const string Base = """
        $TTL 60
        @ SOA ns hostmaster 2026112501 3600 900 604800 60
        @ NS ns
        ns A 10.200.0.53
        @ A 10.200.0.10
          A 10.200.1.10
        www 300 CNAME @
        txt TXT "v=spf1 -all"
        """;

    [Fact]
    public void RRsetsAddedRemovedAndChangedAreListedByNameAndType()
    {
        var after = Base.Replace("2026112501", "2026112502", StringComparison.Ordinal)
            .Replace("@ A 10.200.0.10", "@ A 10.200.0.11", StringComparison.Ordinal)
            .Replace("www 300", "www 600", StringComparison.Ordinal)
            .Replace("txt TXT \"v=spf1 -all\"", "new AAAA fd00::1", StringComparison.Ordinal);

        var zone = Assert.Single(Diff(Base, after));

        Assert.Equal(ChangeKind.Changed, zone.Kind);
        Assert.Empty(zone.Errors);
        Assert.Equal(
        [
            "@ 60 IN A 10.200.0.10, 10.200.1.10 -> 10.200.0.11, 10.200.1.10",
            "@ 60 IN SOA ns.example.com. hostmaster.example.com. 2026112501 3600 900 604800 60 -> ns.example.com. hostmaster.example.com. 2026112502 3600 900 604800 60",
            "new 60 IN AAAA fd00::1",
            "txt 60 IN TXT \"v=spf1 -all\"",
            "www 300 -> 600 IN CNAME example.com. (TTL only)",
        ],
            zone.Sets.Select(s => s.Describe()));
        Assert.Equal([ChangeKind.Changed, ChangeKind.Changed, ChangeKind.Added, ChangeKind.Removed, ChangeKind.TtlChanged], zone.Sets.Select(s => s.Kind));
    }

    [Theory]
    [InlineData("2026112501", "use 2026112600")]
    [InlineData("2026112401", "use 2026112600")]
    [InlineData("2026112699", "use 2026112700")]
    [InlineData("7", "use 8")]
    public void AChangeWithoutAHigherSerialIsAnErrorNamingTheSerialToUse(string serial, string suggestion)
    {
        var before = Base.Replace("2026112501", serial, StringComparison.Ordinal);
        var after = before.Replace("10.200.0.10", "10.200.0.11", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Single(Diff(before, after)).Errors);

        Assert.Equal($"example.com.zone: zone example.com. changed but its SOA serial did not increase ({serial} -> {serial}); {suggestion}", error);
    }

    [Fact]
    public void SerialsWrapAsRfc1982Says()
    {
        var before = Base.Replace("2026112501", "4294967295", StringComparison.Ordinal);
        var after = Base.Replace("2026112501", "1", StringComparison.Ordinal).Replace("10.200.0.10", "10.200.0.11", StringComparison.Ordinal);

        Assert.Empty(Assert.Single(Diff(before, after)).Errors);
    }

    [Fact]
    public void OnlyTheSerialOrNothingChangedIsNoError()
    {
        Assert.Null(Assert.Single(Diff(Base, Base)).Kind);
        Assert.Empty(Assert.Single(Diff(Base, Base.Replace("2026112501", "2026112401", StringComparison.Ordinal))).Errors);
    }

    [Fact]
    public void ChangingMoreThanThirtyPercentOfALargeZoneNeedsPermission()
    {
        var hosts = string.Concat(Enumerable.Range(0, 10).Select(i => $"h{i} A 10.200.0.{i}\n"));
        var before = Base + "\n" + hosts;
        var after = Base.Replace("2026112501", "2026112502", StringComparison.Ordinal) + "\n" + hosts.Replace("10.200.0.", "10.201.0.", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Single(Diff(before, after)).Errors);
        Assert.Equal("example.com.zone: zone example.com.: 11 of 16 RRsets removed or changed (68 %, over the 30 % safety threshold); pass --allow-large-change if that is intended", error);
        Assert.Empty(Assert.Single(Diff(before, after, allowLargeChange: true)).Errors);

        // Three hosts and the SOA, 4 of 16, are under it; a fifth change is over it.
        var small = Base.Replace("2026112501", "2026112502", StringComparison.Ordinal) + "\n" +
            hosts.Replace("10.200.0.1\n", "10.201.0.1\n", StringComparison.Ordinal).Replace("10.200.0.2\n", "10.201.0.2\n", StringComparison.Ordinal)
                .Replace("10.200.0.3\n", "10.201.0.3\n", StringComparison.Ordinal);
        Assert.Empty(Assert.Single(Diff(before, small)).Errors);
        Assert.Single(Assert.Single(Diff(before, small.Replace("10.200.0.4\n", "10.201.0.4\n", StringComparison.Ordinal))).Errors);
    }

    [Fact]
    public void RemovingAZoneNeedsPermissionAndAddingOneListsIt()
    {
        var removed = ZoneDiffer.Compare(new ZoneSet([ZoneFixtures.Parse("example.com.", Base)]), ZoneSet.Empty, false, Today);
        var added = ZoneDiffer.Compare(ZoneSet.Empty, new ZoneSet([ZoneFixtures.Parse("example.com.", Base)]), false, Today);

        Assert.Equal(ChangeKind.Removed, Assert.Single(removed).Kind);
        Assert.Equal("example.com.zone: zone example.com. is removed; pass --allow-large-change if that is intended", Assert.Single(Assert.Single(removed).Errors));
        Assert.Equal(ChangeKind.Added, Assert.Single(added).Kind);
        Assert.Equal(6, Assert.Single(added).Sets.Count);
        Assert.Empty(ZoneDiffer.Compare(ZoneSet.Empty, new ZoneSet([ZoneFixtures.Parse("example.com.", Base)]), false, Today)[0].Errors);
    }

    /// <summary>The plan says what an edit does to answers: a wildcard turned CNAME, a delegation, an empty non-terminal.</summary>
    [Fact]
    public void NamesWhoseAnswersChangeAreListed()
    {
        const string before = """
            $TTL 60
            @ SOA ns hostmaster 2026112501 3600 900 604800 60
            @ NS ns
            ns A 10.200.0.53
            @ A 10.200.0.10
            * A 10.200.0.10
            *.x A 10.200.0.10
            x A 10.200.0.10
            """;
        var after = before.Replace("2026112501", "2026112502", StringComparison.Ordinal)
            .Replace("*.x A 10.200.0.10", "*.x CNAME attacker.example.net.", StringComparison.Ordinal) +
            "\nevil NS ns.evil.test.\n_acme-challenge.mybucket TXT \"token\"\n";

        var zone = Assert.Single(Diff(before, after));

        Assert.Equal(
        [
            "_acme-challenge.mybucket.example.com.: A 10.200.0.10 -> no A (NODATA)",
            "evil.example.com.: A 10.200.0.10 -> delegated to ns.evil.test.",
            "mybucket.example.com.: A 10.200.0.10 -> no A (NODATA)",
            "names under evil.example.com.: A 10.200.0.10 -> delegated to ns.evil.test.",
            "names under x.example.com.: A 10.200.0.10 -> CNAME attacker.example.net. -> leaves our zones",
        ],
            zone.Answers.Select(a => a.Describe()).Order(StringComparer.Ordinal));
        Assert.Contains("answer names under x.example.com.: A 10.200.0.10 -> CNAME attacker.example.net.", ChangeFormatter.Format(new ChangeReport("main", [zone], []), "text"), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEditThatChangesNoAnswerListsNone()
    {
        var after = Base.Replace("2026112501", "2026112502", StringComparison.Ordinal).Replace("txt TXT \"v=spf1 -all\"", "txt TXT \"v=spf1 ~all\"", StringComparison.Ordinal);

        Assert.Empty(Assert.Single(Diff(Base, after)).Answers);
    }

    private static IReadOnlyList<ZoneChange> Diff(string before, string after, bool allowLargeChange = false) =>
        ZoneDiffer.Compare(
            new ZoneSet([ZoneFixtures.Parse("example.com.", before)]), new ZoneSet([ZoneFixtures.Parse("example.com.", after)]), allowLargeChange, Today);
}
