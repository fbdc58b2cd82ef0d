using System.Collections.Concurrent;
using System.Net;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Failed credentials per source address: after <see cref="MaxFailures"/> within <see cref="Window"/>, the source's
/// credentials are not checked for <see cref="Window"/> (429), so guessing passwords costs the guesser, not our
/// CPU. Counts only credentials that were presented and wrong; a missing one is a challenge, not a failure.
/// </summary>
internal sealed class FailureLimiter(TimeProvider time)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Past this many sources, stale entries are swept before a new one is added.</summary>
    private const int SweepAt = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Entry> _sources = new();

    /// <summary>Whether the source is blocked now.</summary>
    public bool IsBlocked(IPAddress source) =>
        _sources.TryGetValue(source, out var entry) && entry.BlockedUntil(time.GetUtcNow());

    /// <summary>Counts a failure; true when it is the one that blocks the source.</summary>
    public bool Failed(IPAddress source)
    {
        var now = time.GetUtcNow();
        if (_sources.Count >= SweepAt)
        {
            foreach (var (address, stale) in _sources)
            {
                if (stale.IsStale(now))
                {
                    _sources.TryRemove(address, out _);
                }
            }
        }

        return _sources.GetOrAdd(source, _ => new Entry()).Fail(now);
    }

    private sealed class Entry
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _windowStart;
        private int _failures;
        private DateTimeOffset _blockedUntil;

        public bool BlockedUntil(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now < _blockedUntil;
            }
        }

        public bool IsStale(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now >= _blockedUntil && now - _windowStart >= Window;
            }
        }

        public bool Fail(DateTimeOffset now)
        {
            lock (_lock)
            {
                if (now - _windowStart >= Window)
                {
                    (_windowStart, _failures) = (now, 0);
                }

                if (++_failures < MaxFailures || now < _blockedUntil)
                {
                    return false;
                }

                (_blockedUntil, _windowStart, _failures) = (now + Window, now, 0);
                return true;
            }
        }
    }
}
