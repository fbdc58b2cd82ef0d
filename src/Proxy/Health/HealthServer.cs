using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.Proxy.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Endpoints.Proxy.Health;

/// <summary>
/// <c>GET /healthz</c>: 200 while the process works. <c>GET /readyz</c>: 200 while accepting, 503 once draining,
/// so the load balancer stops sending new connections. <c>GET /metrics</c>: Prometheus text (OpenMetrics when asked
/// by <c>Accept</c>) from the service's meter provider, when the Prometheus exporter is on. Kestrel, in a slim host
/// of its own on the health endpoint.
/// </summary>
internal sealed class HealthServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HealthServer(WebApplication app, IPEndPoint endpoint)
    {
        _app = app;
        EndPoint = endpoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<HealthServer> StartAsync(IPEndPoint endpoint, Readiness readiness, MeterProvider? metrics, ILogger logger, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        var app = builder.Build();
        app.MapMethods("/healthz", ["GET", "HEAD"], () => Results.Text("ok\n"));
        app.MapMethods("/readyz", ["GET", "HEAD"], () => readiness.IsReady
            ? Results.Text("ready\n")
            : Results.Text("draining\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        if (metrics is not null)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(metrics, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
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

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = IPEndPoint.Parse(new Uri(address).Authority);
        Log.Listening(logger, "health", bound);
        return new HealthServer(app, bound);
    }

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
