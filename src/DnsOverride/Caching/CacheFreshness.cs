namespace Endpoints.DnsOverride.Caching;

/// <summary>Where a cached answer is in its life.</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum CacheFreshness
{
    Fresh,

    /// <summary>Expired, but within the serve-stale window: an answer for when no upstream gives one (RFC 8767).</summary>
    Stale,

    /// <summary>Past both: as good as absent.</summary>
    Expired,
}
