namespace Endpoints.DnsOverride.RateLimiting;

/// <summary>One account: a client prefix (IPv4 as IPv4-mapped IPv6), the kind, and a hash of what was answered.</summary>
internal readonly record struct RateLimitKey(UInt128 Prefix, RateLimitKind Kind, ulong Token);
