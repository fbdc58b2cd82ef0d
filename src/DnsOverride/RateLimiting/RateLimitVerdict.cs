namespace Endpoints.DnsOverride.RateLimiting;

/// <summary>What response rate limiting does with one UDP response.</summary>
public enum RateLimitVerdict
{
    Send,

    /// <summary>Over the limit: not sent.</summary>
    Drop,

    /// <summary>Over the limit, and this one goes out truncated (TC) so a real client retries over TCP.</summary>
    Slip,
}
