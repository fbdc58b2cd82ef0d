using Endpoints.Common.Hosting;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Health;
using Endpoints.Proxy.Policy;
using Endpoints.Proxy.Resolution;
using Endpoints.Proxy.Telemetry;
using Endpoints.Proxy.TlsToProxy;
using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Endpoints.Proxy;

/// <summary>
/// Starts the listeners and the health endpoint. On SIGTERM: readiness turns 503, listeners stop accepting,
/// open tunnels run to completion up to the drain timeout, then whatever is left is cut.
/// </summary>
internal sealed class ProxyService : IHostedService, IDisposable
{
    private readonly ProxyOptions _options;
    private readonly ConnectionHandler _handler;
    private readonly TlsToProxyBridge _bridge;
    private readonly ConnectionTracker _tracker;
    private readonly ConnectionDeadlines _deadlines;
    private readonly DestinationGuard _guard;
    private readonly Readiness _readiness;
    private readonly TimeProvider _time;
    private readonly ILogger<ProxyService> _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<ProxyListener> _listeners = [];
    private readonly MeterProvider _meterProvider;
    private readonly PolicyStore _policies;
    private ProbeServer? _health;

    public ProxyService(
        IOptions<ProxyOptions> options, ConnectionHandler handler, TlsToProxyBridge bridge, ConnectionTracker tracker, ConnectionDeadlines deadlines, DestinationGuard guard,
        Readiness readiness, TimeProvider time, ILogger<ProxyService> logger, MeterProvider meterProvider, PolicyStore policies)
    {
        _policies = policies;
        _deadlines = deadlines;
        _bridge = bridge;
        _meterProvider = meterProvider;
        _options = options.Value;
        _handler = handler;
        _tracker = tracker;
        _guard = guard;
        _readiness = readiness;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (mode, endpoint) in _options.ListenEndPoints)
        {
            var listener = new ProxyListener(endpoint, mode, _handler, _bridge, _tracker, _deadlines, _logger);
            _listeners.Add(listener);
            _guard.ListeningOn(listener.EndPoint);
        }

        if (_options.HealthEndPoint is { } health)
        {
            // /readyz turns 503 once draining, so the load balancer stops sending new connections.
            _health = await ProbeServer.StartAsync(
                health, () => _readiness.IsReady ? null : "draining", _options.MetricExporters.Contains("prometheus") ? _meterProvider : null,
                _options.LoadBalancerNetworks, cancellationToken, Explain)
                .ConfigureAwait(false);
            Log.Listening(_logger, "health", _health.EndPoint);
            _guard.ListeningOn(_health.EndPoint);
        }

        var plaintext = _options.ListenEndPoints.Where(l => l.Mode is ListenerMode.Connect or ListenerMode.Http).Select(l => l.Mode.Name()).ToList();
        if (_options.AllowBasicOverPlaintext && _options.Users is not null && plaintext.Count > 0)
        {
            Log.BasicOverPlaintext(_logger, string.Join(", ", plaintext));
        }

        foreach (var listener in _listeners)
        {
            listener.Start(_abort.Token);
        }

        _readiness.Ready();
    }

    /// <summary><c>GET /explain?source=IP&amp;name=NAME&amp;port=N[&amp;user=U]</c>: the running policy's decision and why, as <c>check --explain</c> prints it.</summary>
    private (int Status, string Text) Explain(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        if (!System.Net.IPAddress.TryParse(query["source"], out var source) || query["name"].ToString() is not { Length: > 0 } name ||
            !int.TryParse(query["port"], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return (400, "usage: /explain?source=IP&name=NAME&port=N[&user=USER]\n");
        }

        var user = query["user"].ToString() is { Length: > 0 } u ? u : null;
        return (200, _policies.Current.Explain(source, name, port, user).ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _readiness.Drain();
        await Task.WhenAll(_listeners.Select(l => l.StopAsync())).ConfigureAwait(false);
        Log.Draining(_logger, _tracker.Open, _options.DrainTimeout.TotalSeconds);
        var cut = await DrainWait.UntilIdleAsync(() => _tracker.Open, _options.DrainTimeout, TimeSpan.FromMilliseconds(100), _time, cancellationToken)
            .ConfigureAwait(false);
        await _abort.CancelAsync().ConfigureAwait(false);
        _deadlines.ExpireAll();
        await DrainWait.UntilIdleAsync(() => _tracker.Open, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20), _time, CancellationToken.None).ConfigureAwait(false);

        if (_health is not null)
        {
            await _health.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Log.Stopped(_logger, cut);
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _health?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _abort.Dispose();
    }
}
