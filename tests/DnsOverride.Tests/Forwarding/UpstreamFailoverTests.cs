using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// The adversarial test's scenario on the real server: A dark at start and marked down, A back, B dark. A's probe
/// must come after its back-off and put it back, so that when B goes dark A carries every query.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class UpstreamFailoverTests
{
    private int _next;

    [Fact]
    public async Task TwoUpstreamsGoingDarkAndComingBackInTurnLoseNoQuery()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var a = new LoopbackResponder();
        using var b = new LoopbackResponder();
        a.GoDark();
        using var server = await DnsServerProcess.StartAsync(zones.Path, [a.EndPoint.ToString(), b.EndPoint.ToString()]);

        while (!server.Output.Contains($"Upstream {a.EndPoint} marked down", StringComparison.Ordinal))
        {
            await AssertAnsweredAsync(server);
            Assert.True(_next < 100, "A was not marked down after 100 queries:\n" + server.Output);
        }

        // A comes back while backing off (5 s): queries go on, and once the back-off ends one of them probes A.
        a.ComeBack();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (a.Received == 0)
        {
            await AssertAnsweredAsync(server);
            Assert.True(DateTime.UtcNow < deadline, "A was never probed:\n" + server.Output);
        }

        Assert.True(await server.Process.WaitForOutputAsync($"Upstream {a.EndPoint} is answering again", TimeSpan.FromSeconds(10)), server.Output);

        // Now B goes dark: A, healthy for a while, answers everything.
        b.GoDark();
        var before = a.Received;
        for (var i = 0; i < 20; i++)
        {
            await AssertAnsweredAsync(server);
        }

        Assert.True(a.Received >= before + 20, $"A got {a.Received - before} of 20 queries");
        Assert.True(await server.Process.WaitForOutputAsync($"Upstream {b.EndPoint} marked down", TimeSpan.FromSeconds(10)), server.Output);
    }

    private async Task AssertAnsweredAsync(DnsServerProcess server)
    {
        var name = $"failover{_next++}.example.org";
        var response = await DnsWire.ExchangeUdpAsync(server.Port, DnsWire.BuildQuery(name, 1, recursionDesired: true), TimeSpan.FromSeconds(15));
        Assert.NotNull(response);
        Assert.True((response[3] & 0x0F) == 0, $"{name}: rcode {response[3] & 0x0F}\n{server.Output}");
    }
}
