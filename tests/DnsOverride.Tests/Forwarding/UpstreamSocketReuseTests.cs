using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// Upstream sockets serve one exchange after another: an extra copy of an earlier answer, left waiting in a reused
/// socket, must never be taken for the answer to the next query.
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

        for (var i = 0; i < 2 * UpstreamSocket.MaxUses; i++)
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

        Assert.Equal(2 * UpstreamSocket.MaxUses, upstream.Received);
    }
}
