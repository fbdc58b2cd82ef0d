using System.Collections.Concurrent;
using System.Net;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Failed credentials per source address: after <see cref="MaxFailures"/> within <see cref="Window"/>, the source's
/// credentials are not checked for <see cref="Window"/> (429), so guessing passwords costs the guesser, not our
/// CPU. Counts only credentials that were presented and wrong; a missing one is a challenge, not a failure.
/// A slow check (Basic's hash) is reserved before it runs and counted as a failure while in flight, and a source has
/// at most <see cref="MaxInFlight"/> such checks at once: a burst of guesses sent together gets no more checks than
/// the same guesses sent one by one, and cannot fill the hashing threads that other clients wait for.
/// </summary>
internal sealed class FailureLimiter(TimeProvider time)
{
    public const int MaxFailures = 10;
    public const int MaxInFlight = 2;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Past this many sources, stale entries are swept before a new one is added.</summary>
    private const int SweepAt = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Entry> _sources = new();

    /// <summary>Whether the source is blocked now.</summary>
    public bool IsBlocked(IPAddress source) =>
        _sources.TryGetValue(source, out var entry) && entry.BlockedUntil(time.GetUtcNow());

    /// <summary>Counts a failure of a check that was not reserved; true when it is the one that blocks the source.</summary>
    public bool Failed(IPAddress source) => EntryFor(source).Complete(time.GetUtcNow(), failed: true, reserved: false);

    /// <summary>Takes a slot for a slow check, or says why the source gets none; <see cref="Complete"/> gives it back.</summary>
    public Admission TryReserve(IPAddress source) => EntryFor(source).TryReserve(time.GetUtcNow());

    /// <summary>Ends a reserved check; true when its failure is the one that blocks the source.</summary>
    public bool Complete(IPAddress source, bool failed) => EntryFor(source).Complete(time.GetUtcNow(), failed, reserved: true);

    private Entry EntryFor(IPAddress source)
    {
        if (_sources.Count >= SweepAt)
        {
            var now = time.GetUtcNow();
            foreach (var (address, stale) in _sources)
            {
                if (stale.IsStale(now))
                {
                    _sources.TryRemove(address, out _);
                }
            }
        }

        return _sources.GetOrAdd(source, _ => new Entry());
    }

    /// <summary>Whether a slow check may run now.</summary>
    public enum Admission
    {
        Reserved,
        Blocked,
        Busy,
    }

    private sealed class Entry
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _windowStart;
        private int _failures;
        private int _inFlight;
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
                return _inFlight == 0 && now >= _blockedUntil && now - _windowStart >= Window;
            }
        }

        public Admission TryReserve(DateTimeOffset now)
        {
            lock (_lock)
            {
                StartWindowIfOver(now);
                if (now < _blockedUntil || _failures + _inFlight >= MaxFailures)
                {
                    return Admission.Blocked;
                }

                if (_inFlight >= MaxInFlight)
                {
                    return Admission.Busy;
                }

                _inFlight++;
                return Admission.Reserved;
            }
        }

        public bool Complete(DateTimeOffset now, bool failed, bool reserved)
        {
            lock (_lock)
            {
                if (reserved)
                {
                    _inFlight--;
                }

                if (!failed)
                {
                    return false;
                }

                StartWindowIfOver(now);
                if (++_failures < MaxFailures || now < _blockedUntil)
                {
                    return false;
                }

                (_blockedUntil, _windowStart, _failures) = (now + Window, now, 0);
                return true;
            }
        }

        private void StartWindowIfOver(DateTimeOffset now)
        {
            if (now - _windowStart >= Window)
            {
                (_windowStart, _failures) = (now, 0);
            }
        }
    }
}
