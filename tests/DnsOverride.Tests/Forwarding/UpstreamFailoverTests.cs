using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Tests.Handlers;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// The adversarial test's scenario through the whole query path, on a fake clock: A dark at start and marked down, A
/// back, B dark. A's probe must come after its back-off and put it back, so that when B goes dark A carries every query.
/// </summary>
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
        var time = new FakeTimeProvider();
        using var dns = InProcessDns.Start(
            new Dictionary<string, string?>
            {
                ["DnsOverride:Zones"] = zones.Path,
                ["DnsOverride:Upstream:0"] = a.EndPoint.ToString(),
                ["DnsOverride:Upstream:1"] = b.EndPoint.ToString(),
            },
            time);
        var upstreams = dns.Get<Forwarder>().Upstreams;

        while (upstreams[0].IsHealthy)
        {
            await AssertAnsweredAsync(dns);
            Assert.True(_next < 100, "A was not marked down after 100 queries");
        }

        // A comes back while backing off (5 s): queries go on without it until the back-off ends, then one probes A.
        a.ComeBack();
        time.Advance(TimeSpan.FromSeconds(4.9));
        for (var i = 0; i < 10; i++)
        {
            await AssertAnsweredAsync(dns);
        }

        Assert.Equal(0, a.Received);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await AssertAnsweredAsync(dns);
        Assert.Equal(1, a.Received);
        Assert.True(upstreams[0].IsHealthy);

        // Now B goes dark: A answers everything.
        b.GoDark();
        var before = a.Received;
        for (var i = 0; i < 20; i++)
        {
            await AssertAnsweredAsync(dns);
        }

        Assert.True(a.Received >= before + 20, $"A got {a.Received - before} of 20 queries");
        Assert.False(upstreams[1].IsHealthy);
    }

    private async Task AssertAnsweredAsync(InProcessDns dns)
    {
        var name = $"failover{_next++}.example.org";
        var response = await dns.ExchangeAsync(DnsWire.BuildQuery(name, 1, recursionDesired: true)).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True((response[3] & 0x0F) == 0, $"{name}: rcode {response[3] & 0x0F}, {dns.Context.Decision}");
    }
}
