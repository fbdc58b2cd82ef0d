using Endpoints.DnsOverride.Tests.Forwarding;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// Many clients missing on one name at once cost the upstream one query, on the real server (the slow upstream keeps
/// the first fetch in flight while the others arrive). Timing-sensitive: run alone.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class CacheCoalescingTests
{
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
}
