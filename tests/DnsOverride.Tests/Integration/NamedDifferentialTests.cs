using ARSoft.Tools.Net.Dns;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// The standard to meet: for RD=0 queries our answers equal BIND 9's (minimal-responses yes) on the same zone
/// files: rcode, AA, and every record of the answer, authority and additional sections with TTLs.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NamedDifferentialTests
{
    private static readonly string[] ExampleNames =
    [
        "example.test", "ns1", "ns2", "ns", "mail", "www", "www2", "v6only", "both", "multi", "txt", "_sip._tcp", "_tcp", "sip", "ptr",
        "alias", "chain1", "chain2", "chain3", "to-missing", "to-ent", "to-wild", "outside", "to-other-zone",
        "b.c.d", "c.d", "d", "nothere", "a.b.c.d", "foo.wild", "a.b.wild", "sub.wild", "deep.sub.wild", "wild", "*.wild",
        "x.wcname", "a.x.ent", "b.a.x.ent", "x.ent", "ent", "q.blk", "z.blk", "y.z.blk", "q.z.blk", "blk",
        "deleg", "ns.deleg", "below.deleg", "x.below.deleg", "deleg2", "a.deleg2",
    ];

    private static readonly string[] OtherNames =
    [
        "other.test", "ns.other.test", "www.other.test", "back.other.test", "missing.other.test",
        "s3.amazonaws.com", "mybucket.s3.amazonaws.com", "ns.s3.amazonaws.com", "a.b.s3.amazonaws.com",
        "s3.us-east-1.amazonaws.com", "my.bucket.s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com",
        "x.dynamodb.us-east-1.amazonaws.com", "123456789012.ddb.us-east-1.amazonaws.com", "s3-external-1.amazonaws.com",
    ];

    private static readonly ushort[] Types = [1, 28, 16, 15, 2, 6, 5, 33, 257, 12];

    [Fact]
    public async Task AnswersMatchBindOnTheSameZoneFiles()
    {
        using var directory = new TempDirectory();
        var zones = TestZones.CopyAll(directory);
        using var named = await NamedProcess.StartAuthoritativeAsync(zones);
        using var ours = await DnsServerProcess.StartAsync(directory.Path);

        var random = new Random(20261125);
        var names = ExampleNames.Select(n => n == "example.test" ? n : n + ".example.test").Concat(OtherNames).ToList();
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var name in names)
        {
            foreach (var type in Types)
            {
                // Random case on the wire: both must match case-insensitively and echo the question as sent.
                var sent = new string(name.Select(c => random.Next(3) == 0 ? char.ToUpperInvariant(c) : c).ToArray());
                var query = DnsWire.BuildQuery(sent, type);
                var expected = await DnsWire.ExchangeUdpAsync(named.Port, query);
                var actual = await DnsWire.ExchangeUdpAsync(ours.Port, query);
                Assert.NotNull(expected);
                Assert.NotNull(actual);
                Assert.Equal(expected.AsSpan(12, query.Length - 23).ToArray(), actual.AsSpan(12, query.Length - 23).ToArray());
                var difference = Compare(DnsWire.Parse(expected), DnsWire.Parse(actual));
                if (difference is not null)
                {
                    mismatches.Add($"{sent} type {type}: {difference}");
                }

                compared++;
            }
        }

        Assert.True(compared > 600, $"only {compared} queries compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} answers differ from named:\n" + string.Join("\n", mismatches.Take(30)));
    }

    /// <summary>
    /// RD=0 queries with recursion allowed, against BIND with <c>recursion yes; forward only;</c>: names outside our
    /// zones must not be forwarded (no snooping on the upstream's cache) and get what BIND gives with nothing cached;
    /// names inside are answered as before, with RA. Asked before any RD=1 query, so BIND's cache is empty too.
    /// </summary>
    [Fact]
    public async Task NonRecursiveQueriesMatchBindForwardingOnly()
    {
        using var directory = new TempDirectory();
        var zones = TestZones.CopyAll(directory);
        using var upstreamDirectory = new TempDirectory();
        var upstreamZone = upstreamDirectory.Write("example.org.zone", "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\nwww A 203.0.113.80\n");
        using var upstream = await NamedProcess.StartAuthoritativeAsync([("example.org", upstreamZone)]);
        using var named = await NamedProcess.StartAuthoritativeForwarderAsync(zones, upstream.Port);
        using var ours = await DnsServerProcess.StartAsync(directory.Path, [$"127.0.0.1:{upstream.Port}"]);

        string[] names = ["www.example.org", "nothere.example.org", "example.org", "org", "www.example.com", "www.example.test", "nothere.example.test", "mybucket.s3.amazonaws.com"];
        var mismatches = new List<string>();
        foreach (var name in names)
        {
            foreach (var type in new ushort[] { 1, 28, 2, 6 })
            {
                var query = DnsWire.BuildQuery(name, type, recursionDesired: false);
                var expected = DnsWire.Parse((await DnsWire.ExchangeUdpAsync(named.Port, query))!);
                var actual = DnsWire.Parse((await DnsWire.ExchangeUdpAsync(ours.Port, query))!);
                var difference = expected.IsRecursionAllowed != actual.IsRecursionAllowed
                    ? $"RA named={expected.IsRecursionAllowed} ours={actual.IsRecursionAllowed}"
                    : Compare(expected, actual);
                if (difference is not null)
                {
                    mismatches.Add($"{name} type {type}: {difference}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} answers differ from named:\n" + string.Join("\n", mismatches));
        Assert.True(await ours.Process.WaitForOutputAsync("www.example.org. A udp decision=not-recursive", TimeSpan.FromSeconds(5)), ours.Output);
    }

    /// <summary>
    /// An opcode we do not implement gets NOTIMP as from BIND acting as a resolver: QR and the opcode only (no RD, RA,
    /// CD, AD or AA, which belong to QUERY), no question echoed, and an OPT record when the query had EDNS.
    /// </summary>
    [Theory]
    [InlineData("+noedns", "15")]
    [InlineData("+edns=0", "15")]
    [InlineData("+noedns", "3")]
    [InlineData("+edns=0", "6")]
    public async Task UnknownOpcodesMatchBind(string edns, string opcode)
    {
        using var directory = new TempDirectory();
        var zones = TestZones.CopyAll(directory);
        using var upstreamDirectory = new TempDirectory();
        var upstreamZone = upstreamDirectory.Write("example.org.zone", "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n");
        using var upstream = await NamedProcess.StartAuthoritativeAsync([("example.org", upstreamZone)]);
        using var named = await NamedProcess.StartAuthoritativeForwarderAsync(zones, upstream.Port);
        using var ours = await DnsServerProcess.StartAsync(directory.Path, [$"127.0.0.1:{upstream.Port}"]);
        string[] arguments = [edns, "+header-only", $"+opcode={opcode}", "+rec", "+cd", "+adflag", "+nocookie", "www.example.org"];

        var expected = await Dig.QueryAsync(named.Port, arguments);
        var actual = await Dig.QueryAsync(ours.Port, arguments);

        Assert.Equal("NOTIMP", expected.Status);
        Assert.Equal(HeaderLines(expected), HeaderLines(actual));
    }

    /// <summary>What dig says of the header and the OPT record, without the ID.</summary>
    private static string[] HeaderLines(Dig dig) =>
        [.. dig.Output.Split('\n')
            .Where(l => l.StartsWith(";; flags:", StringComparison.Ordinal) || l.StartsWith("; EDNS:", StringComparison.Ordinal) || l.Contains("opcode:", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"id: \d+", "id"))];

    private static string? Compare(DnsMessage expected, DnsMessage actual)
    {
        if (expected.ReturnCode != actual.ReturnCode)
        {
            return $"rcode named={expected.ReturnCode} ours={actual.ReturnCode}";
        }

        if (expected.IsAuthoritiveAnswer != actual.IsAuthoritiveAnswer)
        {
            return $"AA named={expected.IsAuthoritiveAnswer} ours={actual.IsAuthoritiveAnswer}";
        }

        foreach (var (section, e, a) in new[]
        {
            ("answer", expected.AnswerRecords, actual.AnswerRecords),
            ("authority", expected.AuthorityRecords, actual.AuthorityRecords),
            ("additional", expected.AdditionalRecords, actual.AdditionalRecords),
        })
        {
            var left = DnsWire.Normalize(e);
            var right = DnsWire.Normalize(a);
            if (!left.SequenceEqual(right))
            {
                return $"{section}:\n  named: {string.Join(" | ", left)}\n  ours:  {string.Join(" | ", right)}";
            }
        }

        return null;
    }
}
