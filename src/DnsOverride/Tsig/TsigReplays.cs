using System.Collections.Concurrent;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>
/// The MACs of the signed requests accepted while their time is inside the window (RFC 8945 5.2.3): the same signed
/// request seen twice is a copy someone replayed, since a client signs each request anew (another ID, another time).
/// Only key holders can add entries, and each lives twice the window at most.
/// </summary>
internal sealed class TsigReplays(TimeProvider time)
{
    /// <summary>Past this many, expired entries are swept; a store still full then forgets the oldest.</summary>
    private const int Limit = 100_000;

    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="mac"/> is offered; false for a replay.</summary>
    public bool FirstTime(ReadOnlySpan<byte> mac, long timeSigned)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (_seen.Count >= Limit)
        {
            foreach (var (key, expires) in _seen)
            {
                if (expires <= now)
                {
                    _seen.TryRemove(key, out _);
                }
            }

            foreach (var (key, _) in _seen.OrderBy(e => e.Value).Take(Math.Max(0, _seen.Count - (Limit / 2))))
            {
                _seen.TryRemove(key, out _);
            }
        }

        return _seen.TryAdd(Convert.ToBase64String(mac), timeSigned + (2 * TsigSigner.Fudge));
    }
}
