using System.Globalization;
using System.Text.RegularExpressions;
using Endpoints.DnsOverride.Tests.Forwarding;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// The cache over time: stale answers while the upstream is silent (RFC 8767), prefetch before expiry, one upstream
/// query for many identical misses. Timing-sensitive: run alone.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class CacheRefreshTests
{
    [Fact]
    public async Task ServesStaleWithEde3WhileTheUpstreamIsSilentThenFreshOnceItIsBack()
    {
        using var directory = new TempDirectory();
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var upstream = await CacheUpstreamFixture.StartUpstreamAsync(directory);
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{upstream.Port}"], ["--stale-answer-client-timeout", "500ms"]);
        var first = await Dig.QueryAsync(server.Port, "short.example.org", "A");
        Assert.Equal("NOERROR", first.Status);

        upstream.Signal(Signals.SIGSTOP);
        try
        {
            // The record lives 1 s: once it has expired, the silent upstream gets 500 ms, then the stale answer goes out.
            var stale = await PollAsync(server.Port, "short.example.org", dig => dig.Output.Contains("EDE: 3 (Stale Answer)", StringComparison.Ordinal));
            Assert.Equal("NOERROR", stale.Status);
            Assert.Equal(["short.example.org. 30 IN A 203.0.113.82"], stale.Answer);
            Assert.True(await server.Process.WaitForMatchAsync(@"short\.example\.org\. A udp decision=stale rcode=NOERROR .* latency=([0-9.]+)ms", TimeSpan.FromSeconds(5)), server.Output);
            var latency = double.Parse(
                Regex.Match(server.Output, @"short\.example\.org\. A udp decision=stale .* latency=([0-9.]+)ms").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(latency, 450, 1800);

            // A name never cached has nothing to fall back on: SERVFAIL by the forward deadline (4 s).
            var uncached = await Dig.QueryAsync(server.Port, "never-cached.example.org", "A");
            Assert.Equal("SERVFAIL", uncached.Status);
        }
        finally
        {
            upstream.Signal(Signals.SIGCONT);
        }

        var fresh = await PollAsync(server.Port, "short.example.org", dig => !dig.Output.Contains("EDE:", StringComparison.Ordinal) && dig.Answer.Count == 1);
        Assert.InRange(CacheTests.Ttl(fresh.Answer.Single()), 0, 1);
    }

    [Fact]
    public async Task PrefetchesAnEntryAskedForInTheLastTenthOfItsTtl()
    {
        using var directory = new TempDirectory();
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var upstream = await NamedProcess.StartAuthoritativeAsync(
            [("example.org", directory.Write("example.org.zone", "$TTL 10\n@ SOA ns h 1 3600 600 86400 5\n@ NS ns\nns A 192.0.2.53\nhot A 203.0.113.90\n"))]);
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{upstream.Port}"]);
        var query = DnsWire.BuildQuery("hot.example.org", 1, recursionDesired: true);
        Assert.NotNull(await DnsWire.ExchangeUdpAsync(server.Port, query));

        // The clock starts at the server's own log line for the first answer (the entry was stored just before it),
        // and the later queries go from this process: no dig start-up between the clock and the server.
        Assert.True(await server.Process.WaitForMatchAsync(@"hot\.example\.org\. A udp decision=forwarded", TimeSpan.FromSeconds(5)), server.Output);
        var stored = ServerClock.LoggedAt(server.Output, @"hot\.example\.org\. A udp decision=forwarded");

        // Asked at 9.3 s of its 10: answered from the cache and refreshed behind it, so at 10.5 s it is still a hit.
        await ServerClock.UntilAsync(stored.AddSeconds(9.3));
        Assert.NotNull(await DnsWire.ExchangeUdpAsync(server.Port, query));
        Assert.True(await WaitForCounterAsync(server, "dns_cache_prefetches_total", 1), server.Output);
        await ServerClock.UntilAsync(stored.AddSeconds(10.5));
        var after = DnsWire.Parse((await DnsWire.ExchangeUdpAsync(server.Port, query))!);

        Assert.InRange(after.AnswerRecords.Single().TimeToLive, 7, 10);
        Assert.True(await server.Process.WaitForMatchAsync(@"(hot\.example\.org\. A udp decision=cached(.|\n)*){2}", TimeSpan.FromSeconds(5)), server.Output);
        Assert.Equal(1, Regex.Count(server.Output, @"hot\.example\.org\. A udp decision=forwarded"));
    }

    [Fact]
    public async Task SendsOneUpstreamQueryForManyIdenticalMisses()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var slow = new LoopbackResponder(delay: TimeSpan.FromMilliseconds(500));
        using var server = await DnsServerProcess.StartAsync(zones.Path, [slow.EndPoint.ToString()]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            DnsWire.ExchangeUdpAsync(server.Port, DnsWire.BuildQuery("same.example.org", 1, recursionDesired: true, id: (ushort)i), TimeSpan.FromSeconds(5))));

        Assert.All(answers, Assert.NotNull);
        Assert.Equal(1, slow.Received);
    }

    private static async Task<Dig> PollAsync(int port, string name, Func<Dig, bool> done)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var dig = await Dig.QueryAsync(port, name, "A");
            if (done(dig) || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return dig;
            }
        }
    }

    private static async Task<bool> WaitForCounterAsync(DnsServerProcess server, string name, long atLeast)
    {
        using var http = new HttpClient();
        return (await Eventually.PollAsync(
            async () => Regex.Match(await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/metrics")), $@"^{name}(\{{[^}}]*\}})? (\d+)", RegexOptions.Multiline),
            match => match.Success && long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) >= atLeast, TimeSpan.FromSeconds(10))).Done;
    }
}
