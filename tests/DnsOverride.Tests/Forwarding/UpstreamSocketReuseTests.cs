using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// Upstream sockets serve one exchange after another under load only, and for tens of milliseconds: an extra copy
/// of an earlier answer, left waiting in a reused socket, must never be taken for the answer to the next query, and
/// at low load every query leaves from a fresh random port (RFC 5452 9.2; SAD DNS).
/// </summary>
public sealed class UpstreamSocketReuseTests
{
    [Fact]
    public async Task ALeftoverAnswerIsNotTakenForTheNextQuery()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var upstream = new LoopbackResponder(twice: true);
        using var forwarder = new Forwarder(
            TestOptions.Create(new DnsOverrideOptions { Upstream = [upstream.EndPoint.ToString()] }), TimeProvider.System, NullLogger<Forwarder>.Instance, metrics);

        // Four at a time, so that sockets are handed on from one exchange to the next.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(stream => Task.Run(async () =>
        {
            for (var i = stream; i < 2 * UpstreamSocket.MaxUses; i += 4)
            {
                var query = DnsWire.BuildQuery($"n{i}.example.org.", 1, recursionDesired: true, id: (ushort)i);
                var result = await forwarder.ForwardAsync(query, CancellationToken.None);

                Assert.Equal(ForwardStatus.Answered, result.Status);
                // The question comes back as it went upstream: in random case (0x20), the same name.
                Assert.Equal(
                    System.Text.Encoding.Latin1.GetString(query, 12, query.Length - 23).ToLowerInvariant(),
                    System.Text.Encoding.Latin1.GetString(result.Response[12..(query.Length - 11)]).ToLowerInvariant());
                result.Release();
            }
        })));

        Assert.Equal(2 * UpstreamSocket.MaxUses, upstream.Received);
    }

    /// <summary>
    /// One query at a time: each from its own socket, so from a port the kernel picked at random (a repeat is a
    /// coincidence of the kernel's choice, about one in 200 queries here). Before, 200 queries left from 2 ports.
    /// </summary>
    [Fact]
    public async Task AtLowLoadEveryQueryLeavesFromAFreshPort()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var upstream = new LoopbackResponder();
        using var forwarder = new Forwarder(
            TestOptions.Create(new DnsOverrideOptions { Upstream = [upstream.EndPoint.ToString()] }), TimeProvider.System, NullLogger<Forwarder>.Instance, metrics);

        for (var i = 0; i < 200; i++)
        {
            var result = await forwarder.ForwardAsync(DnsWire.BuildQuery($"low{i}.example.org.", 1, recursionDesired: true, id: (ushort)i), CancellationToken.None);
            Assert.Equal(ForwardStatus.Answered, result.Status);
            result.Release();
        }

        Assert.InRange(upstream.SourcePorts.Distinct().Count(), 190, 200);
    }
}
