using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>REFUSED from an upstream is its own policy, not an answer for our client: ask the next, and SERVFAIL when all refuse.</summary>
public sealed class UpstreamRefusedTests
{
    private const byte Refused = 5;

    [Fact]
    public async Task AnotherUpstreamAnswersWhenOneRefuses()
    {
        using var refusing = new LoopbackResponder(rcode: Refused);
        using var answering = new LoopbackResponder();

        var results = await ForwardAsync(6, refusing, answering);

        Assert.All(results, r => Assert.Equal((ForwardStatus.Answered, 0), r));
        Assert.Equal(6, answering.Received);
    }

    [Fact]
    public async Task EveryUpstreamRefusingIsAFailureNotAnAnswer()
    {
        using var first = new LoopbackResponder(rcode: Refused);
        using var second = new LoopbackResponder(rcode: Refused);

        var results = await ForwardAsync(2, first, second);

        Assert.All(results, r => Assert.Equal(ForwardStatus.UpstreamRefused, r.Status));
        Assert.Equal("upstream-refused", ForwardStatus.UpstreamRefused.Word());
    }

    private static async Task<List<(ForwardStatus Status, int Rcode)>> ForwardAsync(int count, params LoopbackResponder[] upstreams)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var options = TestOptions.Create(new DnsOverrideOptions { Upstream = [.. upstreams.Select(u => u.EndPoint.ToString())] });
        var forwarder = new Forwarder(options, TimeProvider.System, NullLogger<Forwarder>.Instance, metrics);
        var results = new List<(ForwardStatus, int)>();
        for (var i = 0; i < count; i++)
        {
            var result = await forwarder.ForwardAsync(DnsWire.BuildQuery($"r{i}.example.org.", 1, recursionDesired: true, id: (ushort)i), CancellationToken.None);
            results.Add((result.Status, result.Buffer is null ? -1 : result.Response[3] & 0x0F));
            result.Release();
        }

        return results;
    }
}
