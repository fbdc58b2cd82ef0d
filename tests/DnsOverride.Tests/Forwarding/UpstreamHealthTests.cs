using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// An upstream is judged by whether it answers at all: names whose own servers are dead ("slow" names, never
/// answered) time out without taking a healthy upstream out, and a timed-out question is not asked again at once.
/// </summary>
/// <remarks>Timing-sensitive: the answering peers live in this process and must answer within an attempt's timeout.</remarks>
[Collection(TimingSensitive.Name)]
public sealed class UpstreamHealthTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly DnsMetrics _metrics;

    public UpstreamHealthTests() =>
        _metrics = new DnsMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    [Fact]
    public async Task SlowNamesDoNotTakeAnUpstreamThatAnswersOthersOut()
    {
        using var upstream = new LoopbackResponder(silentPrefix: "slow");
        var forwarder = Create(upstream);

        // Each slow name is tried twice (a timeout earns a second round); on the old count, two of them took the only upstream out.
        Assert.Equal(ForwardStatus.Timeout, await ForwardAsync(forwarder, "slow1.example.org."));
        Assert.Equal(ForwardStatus.Timeout, await ForwardAsync(forwarder, "slow2.example.org."));
        Assert.Equal(ForwardStatus.Answered, await ForwardAsync(forwarder, "www.example.org."));

        // Many slow names at once, while other clients' names go on being asked and answered.
        var slow = Task.WhenAll(Enumerable.Range(3, 6).Select(i => ForwardAsync(forwarder, $"slow{i}.example.org.")));
        for (var i = 0; !slow.IsCompleted; i++)
        {
            Assert.Equal(ForwardStatus.Answered, await ForwardAsync(forwarder, $"n{i}.example.org."));
        }

        Assert.All(await slow, s => Assert.Equal(ForwardStatus.Timeout, s));
        Assert.True(forwarder.Upstreams[0].IsHealthy);
        Assert.Equal(ForwardStatus.Answered, await ForwardAsync(forwarder, "after.example.org."));
    }

    [Fact]
    public async Task AnUpstreamThatAnswersNothingGoesOutAfterThreeDifferentQuestions()
    {
        using var silent = new LoopbackResponder(silentPrefix: string.Empty);
        using var healthy = new LoopbackResponder();
        var forwarder = Create(silent, healthy);

        // One question asked again and again says nothing about the upstream, however often it times out there.
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(ForwardStatus.Answered, await ForwardAsync(forwarder, "same.example.org."));
        }

        Assert.True(silent.Received >= 3, $"the silent upstream was asked {silent.Received} times");
        Assert.True(forwarder.Upstreams[0].IsHealthy);

        // Different questions with no answer in between do.
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(ForwardStatus.Answered, await ForwardAsync(forwarder, $"q{i}.example.org."));
        }

        Assert.False(forwarder.Upstreams[0].IsHealthy);
    }

    [Fact]
    public async Task ATimedOutQuestionIsAnsweredServfailWithoutAskingAgain()
    {
        using var upstream = new LoopbackResponder(silentPrefix: "slow");
        var forwarder = Create(upstream);

        Assert.Equal(ForwardStatus.Timeout, await ForwardAsync(forwarder, "slow.example.org."));
        var asked = upstream.Received;
        Assert.Equal(ForwardStatus.RecentTimeout, await ForwardAsync(forwarder, "SLOW.Example.org."));
        Assert.Equal(asked, upstream.Received);

        // Another type of the same name is another question.
        Assert.Equal(ForwardStatus.Timeout, await ForwardAsync(forwarder, "slow.example.org.", type: 28));
        Assert.True(upstream.Received > asked);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    private static async Task<ForwardStatus> ForwardAsync(Forwarder forwarder, string name, ushort type = 1)
    {
        var result = await forwarder.ForwardAsync(DnsWire.BuildQuery(name, type, recursionDesired: true), CancellationToken.None);
        result.Release();
        return result.Status;
    }

    private Forwarder Create(params LoopbackResponder[] upstreams)
    {
        var options = TestOptions.Create(new DnsOverrideOptions
        {
            Upstream = [.. upstreams.Select(u => u.EndPoint.ToString())],
            UpstreamTimeout = TimeSpan.FromMilliseconds(500),
            ForwardDeadline = TimeSpan.FromSeconds(3),
        });
        return new Forwarder(options, TimeProvider.System, NullLogger<Forwarder>.Instance, _metrics);
    }
}
