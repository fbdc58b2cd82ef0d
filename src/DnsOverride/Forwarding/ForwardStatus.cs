namespace Endpoints.DnsOverride.Forwarding;

/// <summary>How relaying a query ended; <see cref="ForwardStatuses.Word"/> names it in logs and metric tags.</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum ForwardStatus
{
    Answered,

    /// <summary>No answer within an attempt's timeout or the forward deadline.</summary>
    Timeout,

    /// <summary>The upstream's port refused (ICMP port unreachable, TCP reset).</summary>
    Refused,

    /// <summary>Every upstream that answered said REFUSED: answered SERVFAIL, as BIND does.</summary>
    UpstreamRefused,

    /// <summary>Another socket error (network unreachable...).</summary>
    NetworkError,

    /// <summary>A reply that is not a DNS response to our question.</summary>
    Malformed,

    /// <summary>The UDP answer was truncated and the TCP retry failed.</summary>
    TcpFailed,

    /// <summary>The same question timed out moments ago: answered SERVFAIL without asking again (RFC 9520).</summary>
    RecentTimeout,

    /// <summary>Every upstream is backing off and none is due for a probe.</summary>
    NoUpstream,

    /// <summary>Too many queries in flight to the upstreams already.</summary>
    Overload,
}
