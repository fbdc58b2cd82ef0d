namespace Endpoints.DnsOverride.Caching;

/// <summary>The query bits that are part of a cache key and are sent upstream as the client set them.</summary>
[Flags]
internal enum QueryBits
{
    None = 0,

    /// <summary>EDNS DO: the client wants DNSSEC records.</summary>
    DnssecOk = 1,

    /// <summary>CD: the client validates itself and wants answers that failed validation too.</summary>
    CheckingDisabled = 2,
}
