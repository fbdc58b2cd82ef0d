using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.Common.ProxyProtocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Endpoints.Common.Hosting;

/// <summary>
/// The HTTP listener both services give load balancers and Prometheus: <c>GET</c> or <c>HEAD</c> <c>/healthz</c>
/// (200 while the process works), <c>/readyz</c> (200, or 503 with the reason the service gives) and, with a meter
/// provider, <c>/metrics</c> (Prometheus text, OpenMetrics when asked by <c>Accept</c>) from the service's own
/// provider. A PROXY header from a trusted load balancer is skipped (<see cref="OptionalProxyHeader"/>). Kestrel in a slim host of its own, so the service's host keeps its start and stop order.
/// </summary>
public sealed class ProbeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProbeServer(WebApplication app, IPEndPoint endpoint)
    {
        _app = app;
        EndPoint = endpoint;
    }

    /// <summary>The address bound (the system's pick for port 0).</summary>
    public IPEndPoint EndPoint { get; }

    /// <param name="endpoint">Where to listen.</param>
    /// <param name="notReady">Null while ready; otherwise why not, the body of the 503.</param>
    /// <param name="metrics">The provider to serve <c>/metrics</c> from; null for none.</param>
    /// <param name="proxyProtocolFrom">Load balancers whose health checks may start with a PROXY header.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="explain">The service's <c>GET /explain</c> (the query string in, a text out); asked from loopback only.</param>
    public static async Task<ProbeServer> StartAsync(
        IPEndPoint endpoint, Func<string?> notReady, MeterProvider? metrics, IReadOnlyList<IPNetwork> proxyProtocolFrom, CancellationToken cancellationToken,
        Func<IQueryCollection, (int Status, string Text)>? explain = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen => listen.Use(next => OptionalProxyHeader.Use(next, proxyProtocolFrom))));
        var app = builder.Build();
        string[] methods = ["GET", "HEAD"];
        app.MapMethods("/healthz", methods, () => Results.Text("ok\n"));
        app.MapMethods("/readyz", methods, () => notReady() is { } reason
            ? Results.Text(reason + "\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));
        if (explain is not null)
        {
            // Policy details are for the operator on the host, not for whoever reaches the health port.
            app.MapGet("/explain", (HttpContext context) => context.Connection.RemoteIpAddress is { } peer && IPAddress.IsLoopback(peer)
                ? explain(context.Request.Query) is var (status, text) ? Results.Text(text, statusCode: status) : Results.StatusCode(500)
                : Results.Text("/explain answers loopback only\n", statusCode: StatusCodes.Status403Forbidden));
        }

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
        return new ProbeServer(app, IPEndPoint.Parse(new Uri(address).Authority));
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
