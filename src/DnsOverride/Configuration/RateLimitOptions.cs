using System.Net;

namespace Endpoints.DnsOverride.Configuration;

/// <summary>
/// Response rate limiting as BIND's <c>rate-limit { }</c> block has it: UDP responses per second to one client
/// prefix for one answer, with debt carried over a window and every <see cref="Slip"/>-th limited response sent as a
/// truncated answer, so a real client behind a flooded prefix retries over TCP. Off unless
/// <see cref="ResponsesPerSecond"/> is set.
/// </summary>
internal sealed class RateLimitOptions
{
    /// <summary>Answers (and NODATA and referrals) per second for one name and type to one prefix; 0 is off.</summary>
    public int ResponsesPerSecond { get; set; }

    /// <summary>NXDOMAIN answers per second for one zone to one prefix; unset means <see cref="ResponsesPerSecond"/>.</summary>
    public int? NxdomainsPerSecond { get; set; }

    /// <summary>REFUSED, FORMERR, SERVFAIL and NOTIMP per second to one prefix; unset means <see cref="ResponsesPerSecond"/>.</summary>
    public int? ErrorsPerSecond { get; set; }

    /// <summary>How long a prefix that went over keeps paying for it, as BIND's <c>window</c> (1 s to 1 h).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Every this many limited responses one goes out truncated (TC) instead of being dropped; 0 drops all.</summary>
    public int Slip { get; set; } = 2;

    public int Ipv4PrefixLength { get; set; } = 24;

    public int Ipv6PrefixLength { get; set; } = 56;

    /// <summary>Clients (CIDRs) never limited.</summary>
    public List<string> Exempt { get; set; } = [];

    /// <summary>Count and log what would be limited, but send everything (to size the limits first).</summary>
    public bool LogOnly { get; set; }

    /// <summary>Accounts kept at once; past it the stalest are recycled, as BIND's <c>max-table-size</c>.</summary>
    public int MaxTableSize { get; set; } = 20_000;

    public bool Enabled => ResponsesPerSecond > 0;

    /// <summary><see cref="Exempt"/> parsed once at start.</summary>
    internal IPNetwork[] ExemptNetworks { get; set; } = [];

    public void Validate(List<string> errors)
    {
        if (ResponsesPerSecond < 0 || NxdomainsPerSecond < 0 || ErrorsPerSecond < 0)
        {
            errors.Add("RateLimit: ResponsesPerSecond, NxdomainsPerSecond and ErrorsPerSecond may not be negative");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromHours(1))
        {
            errors.Add("RateLimit:Window must be between 1 second and 1 hour");
        }

        if (Slip is < 0 or > 10)
        {
            errors.Add("RateLimit:Slip must be between 0 and 10");
        }

        if (Ipv4PrefixLength is < 0 or > 32 || Ipv6PrefixLength is < 0 or > 128)
        {
            errors.Add("RateLimit: Ipv4PrefixLength must be 0-32 and Ipv6PrefixLength 0-128");
        }

        if (MaxTableSize < 1)
        {
            errors.Add("RateLimit:MaxTableSize must be at least 1");
        }
    }
}
