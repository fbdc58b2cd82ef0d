using System.Net;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>The order a forward tries the upstreams in, on a fake clock and without sockets.</summary>
public sealed class UpstreamSetTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly UpstreamSet _set;

    public UpstreamSetTests()
    {
        var metrics = new DnsMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _set = new UpstreamSet([new IPEndPoint(IPAddress.Loopback, 9), new IPEndPoint(IPAddress.Loopback, 10), new IPEndPoint(IPAddress.Loopback, 11)],
            _time, NullLogger.Instance, metrics);
    }

    [Fact]
    public void EachForwardStartsAtTheNextUpstream()
    {
        var firsts = Enumerable.Range(0, 6).Select(_ => _set.Order()[0].EndPoint.Port).ToArray();

        Assert.Equal([10, 11, 9, 10, 11, 9], firsts);
        Assert.All(Enumerable.Range(0, 3), _ => Assert.Equal(3, _set.Order().Count));
    }

    [Fact]
    public void AnUpstreamDownIsLeftOutUntilItsBackoffEndsThenGoesFirstAsTheOneProbe()
    {
        var down = _set.All[1];
        for (var i = 0; i < Upstream.FailureThreshold; i++)
        {
            _set.Failed(down, ForwardStatus.Timeout, [], 0, down.Answers);
        }

        Assert.False(down.IsHealthy);
        Assert.DoesNotContain(down, _set.Order());

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Same(down, _set.Order()[0]);
        Assert.DoesNotContain(down, _set.Order());

        _set.Answered(down, TimeSpan.FromMilliseconds(1));
        Assert.True(down.IsHealthy);
        Assert.Contains(down, _set.Order());
    }

    public void Dispose() => _services.Dispose();
}
