using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// The cache seen by dig, in front of a real upstream (BIND); the server's query log says who answered. How entries age
/// is <see cref="CacheAgingTests"/>, on a fake clock.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CacheTests(CacheUpstreamFixture fixture) : IClassFixture<CacheUpstreamFixture>
{
    private DnsServerProcess Server => fixture.Server;

    [Fact]
    public async Task CachesNodata()
    {
        await Dig.QueryAsync(Server.Port, "www.example.org", "AAAA");
        var second = await Dig.QueryAsync(Server.Port, "www.example.org", "AAAA");

        Assert.Equal("NOERROR", second.Status);
        Assert.Empty(second.Answer);
        Assert.Contains("example.org.", second.Authority.Single(), StringComparison.Ordinal);
        Assert.True(await Server.Process.WaitForMatchAsync(@"www\.example\.org\. AAAA udp decision=cached rcode=NOERROR", TimeSpan.FromSeconds(5)), Server.Output);
    }

    [Fact]
    public async Task EchoesTheQuestionByteForByte()
    {
        await Dig.QueryAsync(Server.Port, "www.example.org", "A");
        var mixed = await Dig.QueryAsync(Server.Port, "WwW.eXaMpLe.OrG", "A");

        Assert.Equal(";WwW.eXaMpLe.OrG. IN A", mixed.Question.Single());
        Assert.StartsWith("WwW.eXaMpLe.OrG. ", mixed.Answer.Single(), StringComparison.Ordinal);
        Assert.True(await Server.Process.WaitForMatchAsync(@"www\.example\.org\. A udp decision=cached", TimeSpan.FromSeconds(5)), Server.Output);
    }

    [Fact]
    public async Task TruncatesACachedAnswerTooBigForTheClientsBuffer()
    {
        var overTcp = await Dig.QueryAsync(Server.Port, "+tcp", "big.example.org", "TXT");
        var overUdp = await Dig.QueryAsync(Server.Port, "+ignore", "+bufsize=1232", "big.example.org", "TXT");
        var againOverTcp = await Dig.QueryAsync(Server.Port, "+tcp", "big.example.org", "TXT");

        Assert.Equal(30, overTcp.Answer.Count);
        Assert.Contains("tc", overUdp.Flags);
        Assert.Empty(overUdp.Answer);
        Assert.Equal(30, againOverTcp.Answer.Count);
        Assert.True(await Server.Process.WaitForMatchAsync(@"big\.example\.org\. TXT udp decision=cached", TimeSpan.FromSeconds(5)), Server.Output);
        Assert.True(await Server.Process.WaitForMatchAsync(@"big\.example\.org\. TXT tcp decision=cached", TimeSpan.FromSeconds(5)), Server.Output);
    }

    [Fact]
    public async Task KeepsAnswersWithAndWithoutDnssecApart()
    {
        await Dig.QueryAsync(Server.Port, "+nodnssec", "apart.example.org", "A");
        await Dig.QueryAsync(Server.Port, "+dnssec", "apart.example.org", "A");

        Assert.True(await Server.Process.WaitForMatchAsync(@"(apart\.example\.org\. A udp decision=forwarded(.|\n)*){2}", TimeSpan.FromSeconds(5)), Server.Output);
    }

    [Fact]
    public async Task AZoneReloadLeavesTheCacheAlone()
    {
        using var zones = new TempDirectory();
        Integration.TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{fixture.Upstream.Port}"]);
        await Dig.QueryAsync(server.Port, "www.example.org", "A");

        server.Process.Signal(Signals.SIGHUP);
        Assert.True(await server.Process.WaitForOutputAsync("Reloading zones (SIGHUP)", TimeSpan.FromSeconds(5)), server.Output);
        Assert.True(await server.Process.WaitForMatchAsync(@"Reloading zones \(SIGHUP\)(.|\n)*Loaded \d+ zones", TimeSpan.FromSeconds(10)), server.Output);
        var after = await Dig.QueryAsync(server.Port, "www.example.org", "A");

        Assert.Equal("NOERROR", after.Status);
        Assert.True(await server.Process.WaitForMatchAsync(@"www\.example\.org\. A udp decision=cached", TimeSpan.FromSeconds(5)), server.Output);
    }
}
