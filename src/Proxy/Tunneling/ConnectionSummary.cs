namespace Endpoints.Proxy.Tunneling;

/// <summary>What one connection did, for its single log line.</summary>
public sealed class ConnectionSummary(string client, ListenerMode mode)
{
    public string Client { get; set; } = client;

    public ListenerMode Mode { get; } = mode;

    public string Destination { get; set; } = "-";

    public string Decision { get; set; } = "error";

    public string Rule { get; set; } = "-";

    public string Reason { get; set; } = "-";

    public string End { get; set; } = "-";

    public string? VpcEndpointId { get; set; }

    public long BytesUp { get; set; }

    public long BytesDown { get; set; }

    public void Refuse(string decision, string reason, string end)
    {
        Decision = decision;
        Reason = reason;
        End = end;
    }
}
