using System.Net;

namespace Endpoints.Proxy.Tunneling;

/// <summary>What one connection did, for its single log line; the words come from its <see cref="Outcome"/>.</summary>
internal sealed class ConnectionSummary(string client, ListenerMode mode)
{
    public string Client { get; set; } = client;

    public ListenerMode Mode { get; } = mode;

    public string Destination { get; set; } = "-";

    public ConnectionOutcome Outcome { get; private set; } = ConnectionOutcome.ClientClosed;

    public string Rule { get; set; } = "-";

    public string Reason { get; set; } = "-";

    /// <summary>How the tunnel ended, once there was one.</summary>
    public string? TunnelEnd { get; set; }

    public string? VpcEndpointId { get; set; }

    /// <summary>The address counted against the per-source limit, to release when the connection ends.</summary>
    public IPAddress? CountedSource { get; set; }

    public long BytesUp { get; set; }

    public long BytesDown { get; set; }

    public string Decision => Refusal.Of(Outcome).Decision;

    public string End => TunnelEnd ?? Refusal.Of(Outcome).End;

    public void Allow(string rule, string reason)
    {
        Outcome = ConnectionOutcome.Relayed;
        Rule = rule;
        Reason = reason;
    }

    public void Refuse(ConnectionOutcome outcome, string reason)
    {
        Outcome = outcome;
        Reason = reason;
    }
}
