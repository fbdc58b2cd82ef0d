using Endpoints.DnsOverride.Forwarding;

namespace Endpoints.DnsOverride.Caching;

/// <summary>
/// How a forwarded question was answered: <see cref="Answer"/> (from the cache or just fetched; stale when
/// <see cref="Stale"/>), or no answer and the <see cref="Status"/> that says why.
/// </summary>
internal readonly record struct Resolution(CachedAnswer? Answer, ForwardStatus Status, bool Stale, bool FromCache);
