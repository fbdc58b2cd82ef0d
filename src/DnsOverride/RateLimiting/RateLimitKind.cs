namespace Endpoints.DnsOverride.RateLimiting;

/// <summary>The accounts of BIND's rate limiting: what a response is counted against besides the client prefix.</summary>
public enum RateLimitKind : byte
{
    /// <summary>Answers, NODATA and referrals: per name and type.</summary>
    Response,

    /// <summary>NXDOMAIN: per zone, so random names under one zone share one account.</summary>
    Nxdomain,

    /// <summary>REFUSED, FORMERR, SERVFAIL, NOTIMP: per prefix alone.</summary>
    Error,
}
