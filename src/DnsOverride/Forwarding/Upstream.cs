using System.Net;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// One upstream resolver and its health, judged as resolvers judge servers: by whether it answers at all, not by
/// one name. It goes out of rotation after <see cref="FailureThreshold"/> failures with no answer from it since the
/// first of them was sent, where timeouts count once per question: a name whose own servers do not answer cannot
/// take it out while it answers others, nor by being asked again. A refused port counts every time. Out, it is skipped for a back-off of 5 s that doubles up to a minute; once that
/// expires one real query probes it: an answer puts it back, a failure starts the next, longer back-off.
/// </summary>
internal sealed class Upstream
{
    public const int FailureThreshold = 3;
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>A probe whose outcome never came (its query was cancelled) stops blocking the next one after this.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly int[] _timedOutQuestions = new int[FailureThreshold];
    private int _timedOutCount;
    private int _failures;
    private long _answers;
    private int _backoffs;
    private DateTimeOffset _downUntil;
    private DateTimeOffset _probeUntil;

    public Upstream(IPEndPoint endPoint)
    {
        EndPoint = endPoint;
        Name = endPoint.ToString();
        // Socket lifetimes follow the real clock, as the waits on the network do (ExchangeTimeouts).
        Sockets = new UpstreamSocketPool(endPoint, TimeProvider.System);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Its UDP sockets between exchanges.</summary>
    public UpstreamSocketPool Sockets { get; }

    public string Name { get; }

    public bool IsHealthy
    {
        get
        {
            lock (_lock)
            {
                return _backoffs == 0;
            }
        }
    }

    /// <summary>How many answers it has given; read before sending, it tells a failure whether an answer came since.</summary>
    public long Answers => Interlocked.Read(ref _answers);

    /// <summary>How long an upstream that changed a question's case gets lowercase questions before 0x20 is tried again.</summary>
    public static readonly TimeSpan CaseFallback = TimeSpan.FromMinutes(10);

    private long _lowercaseUntilTicks;

    /// <summary>Whether its questions may carry random case (0x20): not for a while after it answered one with the case changed.</summary>
    public bool PreservesCase(DateTimeOffset now) => now.UtcTicks >= Interlocked.Read(ref _lowercaseUntilTicks);

    /// <summary>It answered a question with the case changed; true the first time in a fallback period (for one log line).</summary>
    public bool ChangedCase(DateTimeOffset now)
    {
        var until = (now + CaseFallback).UtcTicks;
        return Interlocked.Exchange(ref _lowercaseUntilTicks, until) < now.UtcTicks;
    }

    public override string ToString() => Name;

    /// <summary>
    /// Claims the one probe of a backing-off upstream once its back-off has expired. Called only for a query that
    /// will be sent to it first, so a claimed probe is always a real query.
    /// </summary>
    public bool TryStartProbe(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_backoffs == 0 || now < _downUntil || now < _probeUntil)
            {
                return false;
            }

            _probeUntil = now + ProbeTimeout;
            return true;
        }
    }

    /// <summary>Returns true when the upstream was down and is now back.</summary>
    public bool Succeeded()
    {
        lock (_lock)
        {
            _answers++;
            var wasDown = _backoffs > 0;
            _backoffs = 0;
            _failures = 0;
            _timedOutCount = 0;
            _probeUntil = default;
            return wasDown;
        }
    }

    /// <summary>
    /// Counts a failed exchange sent when the upstream had given <paramref name="answersAtSend"/> answers;
    /// <paramref name="timedOutQuestion"/> is a hash of the question when it timed out, which may be the name's
    /// fault. Returns the back-off when this failure takes the upstream out of rotation or, as a failed probe, keeps
    /// it out longer.
    /// </summary>
    public TimeSpan? Failed(DateTimeOffset now, int? timedOutQuestion, long answersAtSend)
    {
        lock (_lock)
        {
            if (_backoffs > 0)
            {
                // Only the probe speaks for a backing-off upstream; a query sent before it went out does not.
                if (_probeUntil == default)
                {
                    return null;
                }

                _probeUntil = default;
                return Backoff(now);
            }

            if (_answers != answersAtSend)
            {
                return null;
            }

            if (timedOutQuestion is { } question)
            {
                if (Array.IndexOf(_timedOutQuestions, question, 0, _timedOutCount) >= 0)
                {
                    return null;
                }

                _timedOutQuestions[_timedOutCount++] = question;
            }

            return ++_failures < FailureThreshold ? null : Backoff(now);
        }
    }

    private TimeSpan Backoff(DateTimeOffset now)
    {
        var exponent = Math.Min(_backoffs++, 4);
        var backoff = TimeSpan.FromTicks(Math.Min(BaseBackoff.Ticks << exponent, MaxBackoff.Ticks));
        _downUntil = now + backoff;
        _failures = 0;
        _timedOutCount = 0;
        return backoff;
    }
}
