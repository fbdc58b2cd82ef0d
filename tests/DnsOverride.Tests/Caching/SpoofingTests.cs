using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>Forged upstream answers (RFC 5452): from the wrong port, for another question, with another ID.</summary>
[Trait("Category", "Integration")]
public sealed class SpoofingTests
{
    [Fact]
    public async Task ForgedAnswersAreNeitherServedNorCached()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var upstream = new SpoofingUpstream();
        using var server = await DnsServerProcess.StartAsync(zones.Path, [upstream.EndPoint.ToString()]);

        var good = await Dig.QueryAsync(server.Port, "good-1.spoof.example", "A");
        var again = await Dig.QueryAsync(server.Port, "good-1.spoof.example", "A");
        var forgedOnly = await Dig.QueryAsync(server.Port, "bad-1.spoof.example", "A");
        var forgedOnlyAgain = await Dig.QueryAsync(server.Port, "bad-1.spoof.example", "A");

        Assert.Equal(["good-1.spoof.example. 300 IN A 192.0.2.1"], good.Answer);
        Assert.Equal("192.0.2.1", again.Answer.Single().Split(' ')[^1]);
        Assert.True(await server.Process.WaitForMatchAsync(@"good-1\.spoof\.example\. A udp decision=cached", TimeSpan.FromSeconds(5)), server.Output);
        Assert.Equal("SERVFAIL", forgedOnly.Status);
        Assert.Equal("SERVFAIL", forgedOnlyAgain.Status);
        Assert.All([good, again, forgedOnly, forgedOnlyAgain], dig => Assert.DoesNotContain("198.51.100.", dig.Output, StringComparison.Ordinal));
    }
}
