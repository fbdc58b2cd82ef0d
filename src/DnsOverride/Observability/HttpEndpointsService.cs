using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Endpoints.DnsOverride.Observability;

/// <summary>
/// The HTTP listener of the DNS server, as CoreDNS has <c>health</c>, <c>ready</c> and <c>:9153/metrics</c>:
/// <c>/healthz</c> (200 while the process serves), <c>/readyz</c> (200 when <see cref="ServerReadiness"/> says so,
/// else 503: a network load balancer health-checks it) and <c>/metrics</c> (Prometheus text, OpenMetrics when asked
/// by <c>Accept</c>), from the one meter provider the service records into. Kestrel runs in a slim host of its own,
/// started first and stopped last, so <c>/readyz</c> answers 503 while the zones load and while the server drains.
/// </summary>
internal sealed class HttpEndpointsService(
    IOptions<DnsOverrideOptions> options, ServerReadiness readiness, IServiceProvider services, ILogger<HttpEndpointsService> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HttpEndPoint is not { } endpoint)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => readiness.IsReady
            ? Results.Text("ready\n")
            : Results.Text(readiness.State + "\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        if (options.Value.MetricExporters.Contains("prometheus"))
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(
                services.GetRequiredService<MeterProvider>(), predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new ListenException(endpoint, ProtocolType.Tcp, ex.InnerException as SocketException ?? new SocketException((int)SocketError.AddressAlreadyInUse));
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = IPEndPoint.Parse(new Uri(address).Authority);
        Log.Listening(logger, "http", bound);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
