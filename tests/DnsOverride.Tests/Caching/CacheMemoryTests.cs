using System.Globalization;
using System.Text.RegularExpressions;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// A million one-off names through a 16 MiB cache: memory stays bounded and the names asked for again and again stay
/// cached (a FIFO or a full LRU scan would flush them). Runs alone: it keeps both cores busy for about a minute.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class CacheMemoryTests
{
    private const int OneOffNames = 1_000_000;
    private const int PopularEvery = 20_000;

    /// <summary>
    /// The 16 MiB cache, the server's pools and buffers, and the collector's headroom need 48 MiB (44 runs out); an
    /// entry of 100 bytes or more kept per name would need 80 MiB more than that.
    /// </summary>
    private const long HeapLimit = 64L * 1024 * 1024;

    [Fact]
    public async Task AMillionNamesStayWithinTheCacheSizeAndPopularNamesStayCached()
    {
        using var directory = new TempDirectory();
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var upstream = await NamedProcess.StartAuthoritativeAsync(
            [("wild.example", directory.Write("wild.example.zone", "$TTL 3600\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n* A 203.0.113.99\n"))]);
        // The managed heap is capped: entries kept past eviction would run it out of memory long before the last name.
        // (RSS after the fact was the first measure; it moves by 30 MiB with the collector's timing alone.)
        using var server = await DnsServerProcess.StartAsync(
            zones.Path,
            [$"127.0.0.1:{upstream.Port}"],
            ["--cache-size", "16", "--log-level", "Information"],
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = HeapLimit.ToString("x", CultureInfo.InvariantCulture) });
        var popular = Enumerable.Range(0, 100).Select(i => $"popular-{i}.wild.example").ToArray();

        IEnumerable<string> Names(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                if (i % PopularEvery == 0)
                {
                    foreach (var name in popular)
                    {
                        yield return name;
                    }
                }

                yield return $"one-off-{i}.wild.example";
            }
        }

        var load = await Task.Run(() => UdpLoad.Run(server.Port, Names(0, OneOffNames)));
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/metrics"));

        var total = OneOffNames + (OneOffNames / PopularEvery * popular.Length);
        Assert.True(load.Answered >= total * 0.99, $"answered {load.Answered} of {total}, lost {load.Lost}");
        Assert.DoesNotContain("OutOfMemory", server.Output, StringComparison.Ordinal);
        Assert.InRange(Metric(metrics, "dns_cache_size_bytes"), 15L * 1024 * 1024, 16L * 1024 * 1024);
        Assert.True(Metric(metrics, "dns_cache_evictions_total") > OneOffNames * 0.9, metrics);
        // Every round of popular names after the first was answered from the cache (FIFO would miss every few rounds).
        var popularHits = (OneOffNames / PopularEvery - 1) * popular.Length;
        Assert.InRange(Metric(metrics, "dns_cache_hits_total"), popularHits * 0.98, popularHits);

        // With the upstream silent, every popular name still answers fresh from the cache.
        await upstream.PauseAsync();
        try
        {
            foreach (var name in popular.Take(10))
            {
                var dig = await Dig.QueryAsync(server.Port, name, "A");
                Assert.Equal("NOERROR", dig.Status);
                Assert.DoesNotContain("EDE:", dig.Output, StringComparison.Ordinal);
            }

            var hitsBefore = Metric(metrics, "dns_cache_hits_total");
            var popularAnswered = UdpLoad.Run(server.Port, popular).Answered;
            Assert.Equal(popular.Length, popularAnswered);
            Assert.Equal(hitsBefore + 10 + popular.Length, await HitsAsync(server, hitsBefore + 10 + popular.Length));
        }
        finally
        {
            upstream.Signal(Signals.SIGCONT);
        }
    }

    /// <summary>The hit counter once it reaches <paramref name="expected"/> (the exporter serves a scrape for a moment), or as it is after 10 s.</summary>
    private static async Task<long> HitsAsync(DnsServerProcess server, long expected)
    {
        using var http = new HttpClient();
        return (await Eventually.PollAsync(
            async () => Metric(await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/metrics")), "dns_cache_hits_total"),
            hits => hits >= expected, TimeSpan.FromSeconds(10))).Value;
    }

    private static long Metric(string text, string name)
    {
        var match = Regex.Match(text, $@"^{name}(\{{[^}}]*\}})? (\d+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} not in {text}");
        return long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }
}
