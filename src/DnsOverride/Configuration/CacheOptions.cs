using Endpoints.Common.Configuration;

namespace Endpoints.DnsOverride.Configuration;

/// <summary>
/// The cache of forwarded answers (the <c>Cache</c> section; <c>--cache-*</c>, <c>--serve-stale</c> and
/// <c>--stale-answer-client-timeout</c> on the command line). Durations are seconds or take a unit (<c>1d</c>,
/// <c>1.8s</c>), as <see cref="DurationParser"/> reads them.
/// </summary>
internal sealed class CacheOptions
{
    /// <summary>MiB of answers kept, counted in bytes; 0 turns the cache off.</summary>
    public int Size { get; set; } = 64;

    /// <summary>Longest time an answer is kept fresh, whatever its TTL (Unbound's <c>cache-max-ttl</c>).</summary>
    public string MaxTtl { get; set; } = "1d";

    /// <summary>Shortest time a positive answer is kept fresh; raising it serves TTLs longer than their owners set.</summary>
    public string MinTtl { get; set; } = "0";

    /// <summary>Cap on how long NXDOMAIN and NODATA are kept (RFC 2308 says the SOA's minimum; BIND caps at 3 h).</summary>
    public string MaxNegativeTtl { get; set; } = "1h";

    /// <summary>How long past its expiry an answer may still be served while no upstream answers (RFC 8767); 0 is off.</summary>
    public string ServeStale { get; set; } = "1d";

    /// <summary>How long a client waits for an upstream before it gets a stale answer (RFC 8767's client response timer).</summary>
    public string StaleAnswerClientTimeout { get; set; } = "1.8s";

    internal long SizeBytes => Size * 1024L * 1024L;

    internal uint MaxTtlSeconds { get; private set; }

    internal uint MinTtlSeconds { get; private set; }

    internal uint MaxNegativeTtlSeconds { get; private set; }

    internal TimeSpan ServeStaleFor { get; private set; }

    internal TimeSpan ClientTimeout { get; private set; }

    public void Parse(List<string> errors)
    {
        MaxTtlSeconds = Seconds(MaxTtl, "--cache-max-ttl", errors);
        MinTtlSeconds = Seconds(MinTtl, "--cache-min-ttl", errors);
        MaxNegativeTtlSeconds = Seconds(MaxNegativeTtl, "--cache-max-negative-ttl", errors);
        ServeStaleFor = DurationParser.Parse(ServeStale, "--serve-stale", errors);
        ClientTimeout = DurationParser.Parse(StaleAnswerClientTimeout, "--stale-answer-client-timeout", errors);
    }

    public void Validate(List<string> errors)
    {
        if (Size is < 0 or > 1024 * 1024)
        {
            errors.Add("--cache-size must be between 0 (off) and 1048576 MiB");
        }

        if (MinTtlSeconds > MaxTtlSeconds)
        {
            errors.Add("--cache-min-ttl may not be longer than --cache-max-ttl");
        }

        if (ClientTimeout <= TimeSpan.Zero && DurationParser.TryParse(StaleAnswerClientTimeout, out _))
        {
            errors.Add("--stale-answer-client-timeout must be positive");
        }
    }

    private static uint Seconds(string text, string flag, List<string> errors)
    {
        var duration = DurationParser.Parse(text, flag, errors);
        if (duration.TotalSeconds > int.MaxValue)
        {
            errors.Add($"{flag} '{text}' is longer than a TTL can be (2^31 - 1 seconds, RFC 2181)");
            return 0;
        }

        return (uint)duration.TotalSeconds;
    }
}
