using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Observability;

/// <summary>
/// Whether a load balancer should send queries here: the DNS listeners are bound, a zone load has run and at
/// least one zone is in service, and the server is not stopping.
/// </summary>
internal sealed class ServerReadiness
{
    private readonly ZoneStore zones;

    public ServerReadiness(ZoneStore zones, Telemetry.DnsMetrics metrics)
    {
        this.zones = zones;
        metrics.ObserveReadiness(() => IsReady);
    }

    private volatile bool _listening;
    private volatile bool _stopping;

    public bool IsReady => _listening && !_stopping && zones.LastReport is not null && zones.Current.Zones.Count > 0;

    /// <summary>Why not ready, for the <c>/readyz</c> body.</summary>
    public string State => _stopping ? "stopping" : zones.LastReport is null ? "starting: zones not loaded yet"
        : !_listening ? "starting: DNS listeners not bound yet" : zones.Current.Zones.Count == 0 ? "no zone in service" : "ready";

    public void Listening() => _listening = true;

    public void Stopping() => _stopping = true;
}
