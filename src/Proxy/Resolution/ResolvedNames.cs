using System.Collections.Concurrent;
using System.Net;

namespace Endpoints.Proxy.Resolution;

/// <summary>
/// Addresses of names resolved lately, for their records' TTL (Squid's ipcache, HAProxy's resolvers hold them the
/// same way). DnsClient caches a response with answers, but not an AAAA query's NODATA, so every connection to an
/// IPv4-only name asked the resolver again: in TLS (SNI) mode that was a UDP exchange per handshake.
/// Bounded: when full, it starts afresh rather than grow.
/// </summary>
internal sealed class ResolvedNames(TimeProvider time, int capacity = 10_000)
{
    /// <summary>No answer is kept longer, whatever its TTL: an endpoint's addresses may move.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<IPAddress> Addresses, long Expires)> _names = new(StringComparer.OrdinalIgnoreCase);

    public bool TryGet(string host, out IReadOnlyList<IPAddress> addresses)
    {
        if (_names.TryGetValue(host, out var entry) && time.GetTimestamp() < entry.Expires)
        {
            addresses = entry.Addresses;
            return true;
        }

        addresses = [];
        return false;
    }

    public void Add(string host, IReadOnlyList<IPAddress> addresses, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (_names.Count >= capacity)
        {
            _names.Clear();
        }

        var keep = ttl < MaxTtl ? ttl : MaxTtl;
        _names[host] = (addresses, time.GetTimestamp() + (long)(keep.TotalSeconds * time.TimestampFrequency));
    }
}
