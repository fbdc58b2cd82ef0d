using System.Net;
using Endpoints.Common.Hosting;
using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Observability;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Server;

/// <summary>Binds UDP and TCP on every listen address; on stop, drains queries in flight before returning.</summary>
internal sealed class DnsServerService : IHostedService, IDisposable
{
    /// <summary>For TCP connections and queries still pending once the forward deadline has passed.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    private readonly QueryPipeline _pipeline;
    private readonly Forwarder _forwarder;
    private readonly DnsOverrideOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DnsServerService> _logger;
    private readonly ServerReadiness _readiness;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<UdpServer> _udp = [];
    private readonly List<TcpServer> _tcp = [];

    public DnsServerService(
        QueryPipeline pipeline, Forwarder forwarder, IOptions<DnsOverrideOptions> options, TimeProvider time, ILogger<DnsServerService> logger, ServerReadiness readiness,
        DnsMetrics metrics)
    {
        _readiness = readiness;
        metrics.ObserveTcpConnections(() => _tcp.Sum(t => (long)t.Connections));
        _pipeline = pipeline;
        _forwarder = forwarder;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in _options.ListenEndPoints)
        {
            var (udp, tcp) = Bind(endpoint);
            _udp.Add(udp);
            _tcp.Add(tcp);
        }

        foreach (var udp in _udp)
        {
            udp.Start();
        }

        foreach (var tcp in _tcp)
        {
            tcp.Start();
        }

        Log.Upstreams(_logger, _forwarder.Upstreams);
        _readiness.Listening([.. _udp.Select(u => u.EndPoint)]);
        return Task.CompletedTask;
    }

    /// <summary>
    /// UDP and TCP on the same port. With port 0 the system picks the UDP port, and TCP may find it taken: pick again.
    /// </summary>
    private (UdpServer Udp, TcpServer Tcp) Bind(IPEndPoint endpoint)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new UdpServer(endpoint, _pipeline, _options.UdpThreads, _options.MaxUdpPayload, _options.MaxForwardsInFlight, _logger, _abort.Token);
            try
            {
                return (udp, new TcpServer(udp.EndPoint, _pipeline, _options.TcpIdleTimeout, _options.MaxTcpConnections, _time, _logger));
            }
            catch (ListenException) when (endpoint.Port == 0 && attempt < 20)
            {
                udp.Dispose();
            }
            catch
            {
                udp.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// SIGTERM: keep reading and answering (our zones at once, new forwards within what is left of the forward
    /// deadline) until no forward is in flight or that deadline passes; then answer what is buffered, close, exit.
    /// Resolvers sending a steady stream meanwhile get answers, not timeouts.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        _readiness.Stopping();
        _forwarder.BeginStop(_time.GetUtcNow() + _options.ForwardDeadline);
        Log.Stopping(_logger, _forwarder.InFlight);
        await DrainWait.UntilIdleAsync(() => _forwarder.InFlight, _options.ForwardDeadline, TimeSpan.FromMilliseconds(10), _time, cancellationToken)
            .ConfigureAwait(false);

        // Queries still arriving may start forwards that end only at the forward deadline: answer those too.
        var grace = _options.ForwardDeadline - _time.GetElapsedTime(started) + DrainTimeout;
        grace = grace > DrainTimeout ? grace : DrainTimeout;
        await Task.WhenAll(_udp.Select(u => u.StopAsync(grace, _time)).Concat(_tcp.Select(t => t.StopAsync(DrainTimeout)))).ConfigureAwait(false);

        var left = _udp.Sum(u => u.Pending);
        var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
        await _abort.CancelAsync().ConfigureAwait(false);
        Log.Stopped(_logger, left, elapsed);
    }

    public void Dispose()
    {
        foreach (var udp in _udp)
        {
            udp.Dispose();
        }

        foreach (var tcp in _tcp)
        {
            tcp.Dispose();
        }

        _abort.Dispose();
    }
}
