using System.Net;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Observability;

/// <summary>
/// Whether a load balancer should send queries here: the DNS listeners are bound, a zone load has run and at
/// least one zone is in service, the server answers its own UDP query (<see cref="Server.UdpSelfQuery"/>: a load
/// balancer's checks are HTTP, and UDP has no passive ones), and the server is not stopping.
/// </summary>
internal sealed class ServerReadiness
{
    /// <summary>Three missed self-queries in a row: one lost datagram does not take a server out of service.</summary>
    public static readonly TimeSpan SelfQueryStale = TimeSpan.FromSeconds(6);

    private readonly ZoneStore _zones;
    private readonly TimeProvider _time;
    private volatile bool _listening;
    private volatile bool _stopping;
    private long _answeredAt = long.MinValue;

    public ServerReadiness(ZoneStore zones, TimeProvider time, Telemetry.DnsMetrics metrics)
    {
        _zones = zones;
        _time = time;
        metrics.ObserveReadiness(() => IsReady);
    }

    /// <summary>The bound UDP endpoints, which the self-query asks.</summary>
    public IReadOnlyList<IPEndPoint> UdpEndPoints { get; private set; } = [];

    public bool IsReady => _listening && !_stopping && _zones.LastReport is not null && _zones.Current.Zones.Count > 0 && SelfQueryAnswered;

    /// <summary>Why not ready, for the <c>/readyz</c> body.</summary>
    public string State => _stopping ? "stopping" : _zones.LastReport is null ? "starting: zones not loaded yet"
        : !_listening ? "starting: DNS listeners not bound yet" : _zones.Current.Zones.Count == 0 ? "no zone in service"
        : !SelfQueryAnswered ? "no answer to its own UDP query" : "ready";

    private bool SelfQueryAnswered
    {
        get
        {
            var at = Interlocked.Read(ref _answeredAt);
            return at != long.MinValue && _time.GetElapsedTime(at) < SelfQueryStale;
        }
    }

    public void Listening(IReadOnlyList<IPEndPoint> udp)
    {
        UdpEndPoints = udp;
        _listening = true;
    }

    /// <summary>Every UDP listener answered the self-query just now.</summary>
    public void SelfQueryAnsweredNow() => Interlocked.Exchange(ref _answeredAt, _time.GetTimestamp());

    public void Stopping() => _stopping = true;
}
