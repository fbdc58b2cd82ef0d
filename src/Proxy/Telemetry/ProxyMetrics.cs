using System.Diagnostics.Metrics;
using Endpoints.Common.Telemetry;

namespace Endpoints.Proxy.Telemetry;

/// <summary>Every metric of the proxy, in one place (meter <c>Endpoints.Proxy</c>).</summary>
internal sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "Endpoints.Proxy";

    private readonly Meter _meter;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _connectLatency;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _tunnelDuration;
    private readonly Counter<long> _auth;
    private int _active;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableUpDownCounter("proxy.tunnels.active", () => Volatile.Read(ref _active), "{tunnel}", "Tunnels relaying now");
        _connections = _meter.CreateCounter<long>("proxy.connections", "{connection}", "Connections, by mode, decision and policy rule");
        _tunnelDuration = _meter.CreateHistogram<double>("proxy.tunnel.duration", "s", "How long tunnels relayed, from connect to close");
        _bytes = _meter.CreateCounter<long>("proxy.bytes", "By", "Bytes relayed, by direction");
        _connectLatency = _meter.CreateHistogram<double>("proxy.connect.duration", "s", "Time to resolve and connect to the destination");
        ProcessMetrics.Register(_meter, typeof(ProxyMetrics).Assembly);
        _errors = _meter.CreateCounter<long>("proxy.errors", "{error}", "Failed connections, by kind");
        _auth = _meter.CreateCounter<long>("proxy.auth", "{check}", "Proxy-Authorization checks, by scheme and outcome");
    }

    public void TunnelOpened() => Interlocked.Increment(ref _active);

    public void TunnelClosed(long up, long down, double seconds)
    {
        Interlocked.Decrement(ref _active);
        _tunnelDuration.Record(seconds);
        _bytes.Add(up, new KeyValuePair<string, object?>("direction", "up"));
        _bytes.Add(down, new KeyValuePair<string, object?>("direction", "down"));
    }

    /// <summary>The rule is a name from the policy file (or <c>-</c>): bounded by the policy, never by clients.</summary>
    public void Connection(string mode, string decision, string rule) =>
        _connections.Add(1, new("mode", mode), new("decision", decision), new("rule", rule));

    public void Connected(double seconds) => _connectLatency.Record(seconds);

    /// <summary>1 while draining (readyz 503), and the tunnel limit, so alerts can compare tunnels with it.</summary>
    public void ObserveState(Func<bool> draining, int maxConnections)
    {
        _meter.CreateObservableGauge("proxy.draining", () => draining() ? 1 : 0, "{state}", "1 while the proxy drains (/readyz 503)");
        _meter.CreateObservableGauge("proxy.tunnels.limit", () => maxConnections, "{tunnel}", "MaxConnections");
    }

    /// <summary>Scheme and outcome are words from one table each (<c>ProxyAuthenticator</c>), never client text.</summary>
    public void Auth(string scheme, string outcome) => _auth.Add(1, new("scheme", scheme), new("outcome", outcome));

    public void Error(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Dispose() => _meter.Dispose();
}
