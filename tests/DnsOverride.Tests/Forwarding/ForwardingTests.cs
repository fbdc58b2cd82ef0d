using System.Globalization;
using System.Text.RegularExpressions;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>Names outside our zones go to the upstreams, relayed untouched; failures become SERVFAIL.</summary>
[Trait("Category", "Integration")]
public sealed class ForwardingTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private int Port => fixture.Server.Port;

    [Fact]
    public async Task ForwardsOtherNamesAndSetsRa()
    {
        var dig = await Dig.QueryAsync(Port, "www.example.org", "A");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Contains("ra", dig.Flags);
        Assert.DoesNotContain("aa", dig.Flags);
        Assert.Equal(["www.example.org. TTL IN A 203.0.113.80"], WithoutTtls(dig.Answer));
    }

    [Fact]
    public async Task AnswersAsAResolverNotARelay()
    {
        // DO reaches the answer; the upstream's own EDNS options (its NSID) do not, as from any caching resolver.
        var dig = await Dig.QueryAsync(Port, "+nsid", "+dnssec", "www.example.org", "A");

        Assert.Equal("NOERROR", dig.Status);
        Assert.DoesNotContain("NSID:", dig.Output, StringComparison.Ordinal);
        Assert.Contains("flags: do", dig.Output, StringComparison.Ordinal);
        Assert.Equal(["www.example.org. TTL IN A 203.0.113.80"], WithoutTtls(dig.Answer));
    }

    [Fact]
    public async Task RetriesOverTcpWhenTheUpstreamTruncates()
    {
        var dig = await Dig.QueryAsync(Port, "+tcp", "+noedns", "big.example.org", "TXT");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Equal(30, dig.Answer.Count);
    }

    [Fact]
    public async Task ChasesACnameThatLeavesOurZonesWhenRecursionIsDesired()
    {
        var recursive = await Dig.QueryAsync(Port, "outside.example.test", "A");
        var iterative = await Dig.QueryAsync(Port, "+norec", "outside.example.test", "A");

        Assert.Equal(
            ["outside.example.test. TTL IN CNAME www.example.org.", "www.example.org. TTL IN A 203.0.113.80"],
            WithoutTtls(recursive.Answer));
        Assert.Contains("ra", recursive.Flags);
        Assert.Equal(["outside.example.test. 5400 IN CNAME www.example.org."], iterative.Answer);
        Assert.Contains("aa", iterative.Flags);
    }

    [Fact]
    public async Task NamesInsideOurZonesAreNeverForwarded()
    {
        var dig = await Dig.QueryAsync(Port, "nothere.s3.amazonaws.com.example.org.s3.amazonaws.com", "A");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Contains("aa", dig.Flags);
    }

    [Fact]
    public async Task SkipsADeadUpstream()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, ["127.0.0.1:9", $"127.0.0.1:{fixture.Upstream.Port}"]);

        for (var i = 0; i < 10; i++)
        {
            // Names not asked before, so each one goes upstream rather than to the cache.
            var dig = await Dig.QueryAsync(server.Port, $"dead-upstream-{i}.example.org", "A");
            Assert.Equal("NXDOMAIN", dig.Status);
        }

        // Logged by the logger's thread: waited for, not read at once.
        Assert.True(await server.Process.WaitForOutputAsync("marked down", TimeSpan.FromSeconds(10)), server.Output);
    }

    [Fact]
    public async Task AnswersServfailInTimeWhenNoUpstreamAnswersAndKeepsServingZones()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var blackHole = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var silent = ((System.Net.IPEndPoint)blackHole.Client.LocalEndPoint!).Port;
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{silent}", "127.0.0.1:9"]);

        var forwarded = await Dig.QueryAsync(server.Port, "servfail-in-time.example.org", "A");
        var ours = await Dig.QueryAsync(server.Port, "mybucket.s3.amazonaws.com", "A");

        // The server's own latency for this query, not dig's process start: past one attempt's timeout (1.5 s), within the 4 s deadline.
        Assert.Equal("SERVFAIL", forwarded.Status);
        Assert.True(await server.Process.WaitForOutputAsync("servfail-in-time.example.org. A udp", TimeSpan.FromSeconds(5)), server.Output);
        var latency = double.Parse(
            Regex.Match(server.Output, @"servfail-in-time\.example\.org\. A udp .* latency=([0-9.]+)ms").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(latency, 1500, 4250); // 4 s deadline, plus timer granularity
        Assert.Equal("NOERROR", ours.Status);
        Assert.Equal(2, ours.Answer.Count);
    }

    [Fact]
    public async Task SaysWhyAForwardFailed()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, ["127.0.0.1:9"]);

        var forwarded = await Dig.QueryAsync(server.Port, "refused-upstream.example.org", "A");

        Assert.Equal("SERVFAIL", forwarded.Status);
        Assert.True(await server.Process.WaitForMatchAsync(
            @"refused-upstream\.example\.org\. A udp decision=forward-refused rcode=SERVFAIL", TimeSpan.FromSeconds(5)), server.Output);
        Assert.Contains("Upstream 127.0.0.1:9 failed: refused", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsNotAnOpenResolver()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{fixture.Upstream.Port}"], ["--allow-recursion", "192.0.2.0/24"]);

        var forwarded = await Dig.QueryAsync(server.Port, "www.example.org", "A");
        var ours = await Dig.QueryAsync(server.Port, "mybucket.s3.amazonaws.com", "A");

        Assert.Equal("REFUSED", forwarded.Status);
        Assert.DoesNotContain("ra", forwarded.Flags);
        Assert.Equal("NOERROR", ours.Status);
    }

    /// <summary>Other tests of this class may have put the name in the cache, where its TTL counts down.</summary>
    private static string[] WithoutTtls(IEnumerable<string> records) =>
        [.. records.Select(r => Regex.Replace(r, @"^(\S+) \d+ IN ", "$1 TTL IN "))];
}
