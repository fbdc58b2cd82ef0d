namespace Endpoints.DnsOverride.Forwarding;

public enum ForwardStatus
{
    Answered,

    /// <summary>No upstream answered before the deadline.</summary>
    Timeout,
}
