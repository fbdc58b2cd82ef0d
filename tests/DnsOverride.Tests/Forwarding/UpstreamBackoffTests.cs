using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// docs/dns.md's promise with a fake clock: three failures take an upstream out for 5 s, doubling up to 60 s; once
/// the back-off expires one real query probes it; a recovered upstream is back in rotation.
/// </summary>
public sealed class UpstreamBackoffTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly LoopbackResponder _a = new();
    private readonly LoopbackResponder _b = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly DnsMetrics _metrics;
    private readonly Forwarder _forwarder;

    public UpstreamBackoffTests()
    {
        _metrics = new DnsMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var options = TestOptions.Create(new DnsOverrideOptions { Upstream = [_a.EndPoint.ToString(), _b.EndPoint.ToString()] });
        _forwarder = new Forwarder(options, _time, NullLogger<Forwarder>.Instance, _metrics);
    }

    [Fact]
    public async Task ARecoveredUpstreamIsProbedAfterItsBackoffAndServesAgain()
    {
        _a.GoDark();
        await AllAnsweredAsync(6);
        Assert.False(_forwarder.Upstreams[0].IsHealthy);

        // Healthy again at t = 2 s, but backing off until t = 5 s: no query reaches it before then.
        _time.Advance(TimeSpan.FromSeconds(2));
        _a.ComeBack();
        await AllAnsweredAsync(10);
        Assert.Equal(0, _a.Received);

        _time.Advance(TimeSpan.FromSeconds(3));
        await AllAnsweredAsync(1);
        Assert.Equal(1, _a.Received);
        Assert.True(_forwarder.Upstreams[0].IsHealthy);

        // Back in rotation, and carrying everything once B goes dark.
        await AllAnsweredAsync(10);
        Assert.InRange(_a.Received, 5, 7);
        _b.GoDark();
        var before = _a.Received;
        await AllAnsweredAsync(10);
        Assert.Equal(before + 10, _a.Received);
    }

    [Fact]
    public async Task AFailedProbeDoublesTheBackoffUpToAMinute()
    {
        _a.GoDark();
        await AllAnsweredAsync(6);

        foreach (var seconds in new[] { 5, 10, 20, 40, 60, 60 })
        {
            // Just before the back-off ends nothing probes A; at its end one query does, fails, and B answers it.
            _time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.False(_forwarder.Upstreams[0].TryStartProbe(_time.GetUtcNow()), $"probe before {seconds} s");
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await AllAnsweredAsync(3);
        }

        Assert.Equal(0, _a.Received);
        Assert.False(_forwarder.Upstreams[0].IsHealthy);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _metrics.Dispose();
        _services.Dispose();
    }

    private async Task AllAnsweredAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = await _forwarder.ForwardAsync(DnsWire.BuildQuery($"q{i}.example.org.", 1, recursionDesired: true, id: (ushort)i), CancellationToken.None);
            Assert.Equal(ForwardStatus.Answered, result.Status);
            result.Release();
        }
    }
}
