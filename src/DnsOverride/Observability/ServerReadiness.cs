using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Observability;

/// <summary>
/// Whether a load balancer should send queries here: the DNS listeners are bound, a zone load has run and at
/// least one zone is in service, and the server is not stopping.
/// </summary>
internal sealed class ServerReadiness
{
    private readonly ZoneStore _zones;
    private volatile bool _listening;
    private volatile bool _stopping;

    public ServerReadiness(ZoneStore zones, Telemetry.DnsMetrics metrics)
    {
        _zones = zones;
        metrics.ObserveReadiness(() => IsReady);
    }

    public bool IsReady => _listening && !_stopping && _zones.LastReport is not null && _zones.Current.Zones.Count > 0;

    /// <summary>Why not ready, for the <c>/readyz</c> body.</summary>
    public string State => _stopping ? "stopping" : _zones.LastReport is null ? "starting: zones not loaded yet"
        : !_listening ? "starting: DNS listeners not bound yet" : _zones.Current.Zones.Count == 0 ? "no zone in service" : "ready";

    public void Listening() => _listening = true;

    public void Stopping() => _stopping = true;
}
