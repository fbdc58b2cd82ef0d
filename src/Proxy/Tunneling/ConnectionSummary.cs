using System.Net;
using Endpoints.Common.Text;

namespace Endpoints.Proxy.Tunneling;

/// <summary>What one connection did, for its single log line; the words come from its <see cref="Outcome"/>.</summary>
internal sealed class ConnectionSummary(EndPoint? peer, ListenerMode mode)
{
    private string? _client;
    private string? _destination;

    /// <summary>The client's address for the log, formatted only when a line is written.</summary>
    public string Client => _client ??= Peer?.ToString() ?? "?";

    /// <summary>The connection's peer, or the client a load balancer's PROXY header named.</summary>
    public EndPoint? Peer
    {
        get;
        set
        {
            field = value;
            _client = null;
        }
    } = peer;

    public ListenerMode Mode { get; } = mode;

    /// <summary>Where to, for the log: the name and port asked for, then the address dialled.</summary>
    public string Destination => _destination ??= Host is null ? "-"
        : Dialled is null ? $"{LogText.Field(Host)}:{Port}" : $"{LogText.Field(Host)}:{Port} ({Dialled})";

    public string? Host { get; private set; }

    public int Port { get; private set; }

    public IPEndPoint? Dialled { get; private set; }

    public void Asked(string host, int port)
    {
        (Host, Port, _destination) = (host, port, null);
    }

    public void Connected(IPEndPoint dialled)
    {
        (Dialled, _destination) = (dialled, null);
    }

    public ConnectionOutcome Outcome { get; private set; } = ConnectionOutcome.ClientClosed;

    public string Rule { get; set; } = "-";

    public string Reason { get; set; } = "-";

    /// <summary>How the tunnel ended, once there was one.</summary>
    public string? TunnelEnd { get; set; }

    public string? VpcEndpointId { get; set; }

    /// <summary>Who authenticated on this connection (a Kerberos principal or a Basic account), or null.</summary>
    public string? User { get; set; }

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
