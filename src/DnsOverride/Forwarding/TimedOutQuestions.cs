using System.Collections.Concurrent;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// Questions whose forwarding timed out, answered SERVFAIL for <see cref="Hold"/> without asking again (RFC 9520
/// caps this at 5 s): a client retrying a name whose servers are dead does not keep the upstreams busy. Keyed by
/// the question's wire bytes, the name folded to lower case (<see cref="QuestionKey"/>).
/// </summary>
internal sealed class TimedOutQuestions
{
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(5);

    /// <summary>Bounds the memory a flood of distinct dead names can take; past it, new failures are not held.</summary>
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly TimeProvider _time;
    private int _count;

    public TimedOutQuestions(TimeProvider time)
    {
        _time = time;
        _lookup = _until.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether <paramref name="question"/> (name, type and class as on the wire) timed out less than <see cref="Hold"/> ago.</summary>
    public bool Contains(ReadOnlySpan<byte> question)
    {
        if (Volatile.Read(ref _count) == 0 || question.Length > 512)
        {
            return false;
        }

        Span<char> key = stackalloc char[question.Length];
        QuestionKey.Fold(question, key);
        if (!_lookup.TryGetValue(key, out var until))
        {
            return false;
        }

        if (_time.GetUtcNow() < until)
        {
            return true;
        }

        Remove(key);
        return false;
    }

    public void Add(ReadOnlySpan<byte> question)
    {
        if (question.Length > 512)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (Volatile.Read(ref _count) >= Capacity)
        {
            foreach (var (key, until) in _until)
            {
                if (until <= now)
                {
                    Remove(key);
                }
            }

            if (Volatile.Read(ref _count) >= Capacity)
            {
                return;
            }
        }

        Span<char> folded = stackalloc char[question.Length];
        QuestionKey.Fold(question, folded);
        var text = new string(folded);
        if (_until.TryAdd(text, now + Hold))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _until[text] = now + Hold;
        }
    }

    private void Remove(ReadOnlySpan<char> key)
    {
        if (_lookup.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
