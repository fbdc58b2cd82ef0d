using Endpoints.Common.Hosting;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Endpoints.DnsOverride.Observability;

/// <summary>
/// The HTTP listener of the DNS server (<see cref="ProbeServer"/>), as CoreDNS has <c>health</c>, <c>ready</c> and
/// <c>:9153/metrics</c>: <c>/readyz</c> follows <see cref="ServerReadiness"/>, and a network load balancer
/// health-checks it. Started first and stopped last, so <c>/readyz</c> answers 503 while the zones load and while
/// the server drains.
/// </summary>
internal sealed class HttpEndpointsService(
    IOptions<DnsOverrideOptions> options, ServerReadiness readiness, IServiceProvider services, ILogger<HttpEndpointsService> logger)
    : IHostedService, IAsyncDisposable
{
    private ProbeServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HttpEndPoint is not { } endpoint)
        {
            return;
        }

        var metrics = options.Value.MetricExporters.Contains("prometheus") ? services.GetRequiredService<MeterProvider>() : null;
        _server = await ProbeServer.StartAsync(endpoint, () => readiness.IsReady ? null : readiness.State, metrics, options.Value.LoadBalancerNetworks, cancellationToken).ConfigureAwait(false);
        Log.Listening(logger, "http", _server.EndPoint);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
