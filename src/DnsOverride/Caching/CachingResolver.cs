using System.Buffers.Binary;
using System.Collections.Concurrent;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Caching;

/// <summary>
/// Answers forwarded questions from <see cref="ResponseCache"/> and fetches the rest through the
/// <see cref="Forwarder"/>, as Unbound and BIND do for a forward zone:
/// <list type="bullet">
/// <item>identical questions in flight share one upstream query;</item>
/// <item>a hit in the last tenth of its TTL refreshes the entry in the background (prefetch);</item>
/// <item>an expired entry within the serve-stale window answers, with TTL 30, when the upstreams fail or have not
/// answered within the client timeout, while the fetch goes on and refreshes it (RFC 8767).</item>
/// </list>
/// Upstream queries are ours, not the client's: RD, AD (RFC 6840 5.7), the client's CD, and EDNS with its DO, so
/// the cached answer does not depend on which client asked first. Every answer is scrubbed before it is kept
/// (<see cref="AnswerScrubber"/>): only what answers the question, and never the upstream's records for names in our
/// zones; the cache is emptied when the set of our zones changes, since it was cut by the old set.
/// </summary>
internal sealed class CachingResolver
{
    private readonly Forwarder _forwarder;
    private readonly ResponseCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<CachingResolver> _logger;
    private readonly CacheOptions _limits;
    private readonly OwnName _ownName;
    private readonly ConcurrentDictionary<string, Task<Resolution>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<Resolution>>.AlternateLookup<ReadOnlySpan<char>> _inFlightLookup;
    private long _hits;
    private long _misses;
    private long _staleAnswers;
    private long _prefetches;

    public CachingResolver(
        Forwarder forwarder, ResponseCache cache, ZoneStore zones, IOptions<DnsOverrideOptions> options, TimeProvider time, DnsMetrics metrics, ILogger<CachingResolver> logger)
    {
        _ownName = key => zones.Current.FindZone(key) is not null;
        zones.Changed += (previous, current) =>
        {
            if (!previous.Zones.Select(z => z.Origin).ToHashSet().SetEquals(current.Zones.Select(z => z.Origin)))
            {
                cache.Clear();
            }
        };
        _forwarder = forwarder;
        _cache = cache;
        _time = time;
        _logger = logger;
        _limits = options.Value.Cache;
        _inFlightLookup = _inFlight.GetAlternateLookup<ReadOnlySpan<char>>();
        metrics.ObserveCache(this, cache);
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long StaleAnswers => Interlocked.Read(ref _staleAnswers);

    public long Prefetches => Interlocked.Read(ref _prefetches);

    /// <summary>The bits of <paramref name="query"/> that are part of its cache key.</summary>
    public static QueryBits BitsOf(in DnsQuery query) =>
        (query.DnssecOk ? QueryBits.DnssecOk : QueryBits.None) |
        ((query.Flags & DnsFlags.CheckingDisabled) != 0 ? QueryBits.CheckingDisabled : QueryBits.None);

    /// <summary>How old <paramref name="answer"/> is now.</summary>
    public TimeSpan Age(CachedAnswer answer) => _time.GetElapsedTime(answer.StoredAt);

    /// <summary>A fresh answer from the cache and its age, without waiting and without allocating (but to start a prefetch).</summary>
    public bool TryGetFresh(ReadOnlySpan<byte> question, QueryBits bits, out CachedAnswer answer, out TimeSpan age)
    {
        answer = null!;
        age = default;
        if (!_cache.Enabled || question.Length + 1 > CacheKey.MaxLength)
        {
            return false;
        }

        Span<char> key = stackalloc char[CacheKey.MaxLength];
        key = key[..CacheKey.Write(question, bits, key)];
        if (_cache.Find(key) is not { } cached)
        {
            return false;
        }

        age = Age(cached);
        if (cached.Freshness(age, _limits.ServeStaleFor) != CacheFreshness.Fresh)
        {
            return false;
        }

        if (cached.NeedsPrefetch(age) && !_inFlightLookup.ContainsKey(key))
        {
            Interlocked.Increment(ref _prefetches);
            _ = Fetch(new string(key), question, bits);
        }

        Interlocked.Increment(ref _hits);
        answer = cached;
        return true;
    }

    /// <summary>Answers <paramref name="question"/> (name, type and class as on the wire) from the cache or the upstreams.</summary>
    public async ValueTask<Resolution> ResolveAsync(ReadOnlyMemory<byte> question, QueryBits bits, CancellationToken cancellationToken)
    {
        var key = CacheKey.Create(question.Span, bits);
        CachedAnswer? stale = null;
        if (_cache.Enabled && _cache.Find(key) is { } cached)
        {
            switch (cached.Freshness(Age(cached), _limits.ServeStaleFor))
            {
                case CacheFreshness.Fresh:
                    Interlocked.Increment(ref _hits);
                    return new Resolution(cached, ForwardStatus.Answered, Stale: false, FromCache: true);
                case CacheFreshness.Stale:
                    stale = cached;
                    break;
                default:
                    _cache.Remove(cached);
                    break;
            }
        }

        Interlocked.Increment(ref _misses);
        var fetch = Fetch(key, question.Span, bits);
        if (stale is null)
        {
            return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // RFC 8767 5: wait for the upstreams only so long, then answer stale; the fetch goes on and refreshes the entry.
        if (!fetch.IsCompleted)
        {
            await Task.WhenAny(fetch, Task.Delay(_limits.ClientTimeout, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (fetch.IsCompleted && fetch.Result is { Answer: { IsFailure: false } } fresh)
        {
            return fresh;
        }

        Interlocked.Increment(ref _staleAnswers);
        return new Resolution(stale, ForwardStatus.Answered, Stale: true, FromCache: true);
    }

    /// <summary>The upstream query for <paramref name="question"/>, or the one already in flight for the same key.</summary>
    private Task<Resolution> Fetch(string key, ReadOnlySpan<byte> question, QueryBits bits)
    {
        if (_inFlight.TryGetValue(key, out var running))
        {
            return running;
        }

        var source = new TaskCompletionSource<Resolution>();
        if (!_inFlight.TryAdd(key, source.Task))
        {
            return _inFlight.TryGetValue(key, out running) ? running : Fetch(key, question, bits);
        }

        _ = RunAsync(key, BuildQuery(question, bits), source);
        return source.Task;
    }

    private async Task RunAsync(string key, byte[] query, TaskCompletionSource<Resolution> source)
    {
        var forwarded = default(ForwardResult);
        var result = new Resolution(null, ForwardStatus.NetworkError, Stale: false, FromCache: false);
        try
        {
            // Nobody cancels a fetch: the forwarder's own deadline ends it, and waiting clients give up on their own.
            forwarded = await _forwarder.ForwardAsync(query, CancellationToken.None).ConfigureAwait(false);
            if (forwarded.Status != ForwardStatus.Answered)
            {
                result = result with { Status = forwarded.Status };
            }
            else if (AnswerScrubber.Scrub(forwarded.Response, _ownName) is { Malformed: false } scrubbed &&
                CachedAnswer.Parse(scrubbed.Message is { } rebuilt ? rebuilt : forwarded.Response, _limits, _time.GetTimestamp()) is { } answer)
            {
                answer.EntersAt = scrubbed.EntersAt;
                Keep(key, answer);
                result = new Resolution(answer, ForwardStatus.Answered, Stale: false, FromCache: false);
            }
            else
            {
                result = result with { Status = ForwardStatus.Malformed };
            }
        }
        catch (Exception ex)
        {
            Log.CacheFetchFailed(_logger, ex, DnsName.ToPresentation(key.AsSpan(0, key.Length - 6)));
        }
        finally
        {
            forwarded.Release();
            _inFlight.TryRemove(new KeyValuePair<string, Task<Resolution>>(key, source.Task));
        }

        source.SetResult(result);
    }

    /// <summary>Stores a fresh answer; a SERVFAIL does not replace an entry that can still be served stale.</summary>
    private void Keep(string key, CachedAnswer answer)
    {
        if (answer.IsFailure && _cache.Find(key) is { } current &&
            current.Freshness(Age(current), _limits.ServeStaleFor) != CacheFreshness.Expired)
        {
            return;
        }

        _cache.Store(key, answer);
    }

    private static byte[] BuildQuery(ReadOnlySpan<byte> question, QueryBits bits)
    {
        const int optLength = 11;
        var query = new byte[DnsFlags.HeaderLength + question.Length + optLength];
        var span = query.AsSpan();
        var flags = DnsFlags.RecursionDesired | DnsFlags.AuthenticData | ((bits & QueryBits.CheckingDisabled) != 0 ? DnsFlags.CheckingDisabled : 0);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)flags);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], 1);
        var nameEnd = DnsFlags.HeaderLength + question.Length - 4;
        for (var i = 0; i < question.Length; i++)
        {
            var b = question[i];
            span[DnsFlags.HeaderLength + i] = DnsFlags.HeaderLength + i < nameEnd && b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        var opt = span[(DnsFlags.HeaderLength + question.Length)..];
        opt[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(opt[1..], RecordType.OPT);
        BinaryPrimitives.WriteUInt16BigEndian(opt[3..], DnsQuery.DefaultEdnsPayload);
        BinaryPrimitives.WriteUInt32BigEndian(opt[5..], (bits & QueryBits.DnssecOk) != 0 ? 0x8000u : 0u);
        BinaryPrimitives.WriteUInt16BigEndian(opt[9..], 0);
        return query;
    }
}
