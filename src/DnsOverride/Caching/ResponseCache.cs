using System.Collections.Concurrent;
using Endpoints.DnsOverride.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Caching;

/// <summary>
/// The answers kept, by <see cref="CacheKey"/>, within a byte budget. Eviction is SIEVE (Zhang et al., NSDI '24):
/// one FIFO queue and a hand that walks it from the oldest entry, sparing each entry hit since the hand last passed
/// (and clearing that mark) and evicting the first one not hit. A scan of one-off names flows through and out
/// while popular names stay, and a hit is one unsynchronised bit write, so lookups take no lock.
/// Inserts and evictions take one lock.
/// </summary>
internal sealed class ResponseCache
{
    private readonly ConcurrentDictionary<string, CachedAnswer> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedAnswer>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lock _lock = new();
    private readonly long _capacity;
    private CachedAnswer? _newest;
    private CachedAnswer? _oldest;
    private CachedAnswer? _hand;
    private long _bytes;
    private long _evictions;

    public ResponseCache(IOptions<DnsOverrideOptions> options)
    {
        _capacity = options.Value.Cache.SizeBytes;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool Enabled => _capacity > 0;

    public int Count => _entries.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>The entry for <paramref name="key"/>, marked as hit; whatever its freshness.</summary>
    public CachedAnswer? Find(ReadOnlySpan<char> key)
    {
        if (!_lookup.TryGetValue(key, out var answer))
        {
            return null;
        }

        if (!answer.Visited)
        {
            answer.Visited = true;
        }

        return answer;
    }

    /// <summary>Keeps <paramref name="answer"/> under <paramref name="key"/>, replacing what was there (a refresh keeps its hit mark).</summary>
    public void Store(string key, CachedAnswer answer)
    {
        if (!Enabled || answer.Ttl == 0)
        {
            return;
        }

        answer.Key = key;
        if (answer.Size > _capacity / 16)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                answer.Visited = old.Visited;
                Unlink(old);
            }

            _entries[key] = answer;
            Link(answer);
            while (_bytes > _capacity && _oldest is not null)
            {
                Evict();
            }
        }
    }

    /// <summary>Drops <paramref name="answer"/> if it is still the entry for its key (one past serving, even stale).</summary>
    public void Remove(CachedAnswer answer)
    {
        lock (_lock)
        {
            if (answer.Key is { } key && _entries.TryGetValue(key, out var current) && ReferenceEquals(current, answer))
            {
                _entries.TryRemove(key, out _);
                Unlink(answer);
            }
        }
    }

    /// <summary>Drops every entry: answers cut at our zones' edges are only right for the zones they were cut by.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _newest = _oldest = _hand = null;
            Interlocked.Exchange(ref _bytes, 0);
        }
    }

    private void Evict()
    {
        var hand = _hand ?? _oldest!;
        while (hand.Visited)
        {
            hand.Visited = false;
            hand = hand.Newer ?? _oldest!;
        }

        _hand = hand.Newer;
        _entries.TryRemove(hand.Key!, out _);
        Unlink(hand);
        _evictions++;
    }

    private void Link(CachedAnswer answer)
    {
        answer.Older = _newest;
        answer.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = answer;
        }

        _newest = answer;
        _oldest ??= answer;
        _bytes += answer.Size;
    }

    private void Unlink(CachedAnswer answer)
    {
        if (ReferenceEquals(_hand, answer))
        {
            _hand = answer.Newer;
        }

        if (answer.Newer is null)
        {
            _newest = answer.Older;
        }
        else
        {
            answer.Newer.Older = answer.Older;
        }

        if (answer.Older is null)
        {
            _oldest = answer.Newer;
        }
        else
        {
            answer.Older.Newer = answer.Newer;
        }

        answer.Newer = answer.Older = null;
        _bytes -= answer.Size;
    }
}
