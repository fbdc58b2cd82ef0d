using System.Net;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// One upstream resolver and its health. After <see cref="FailureThreshold"/> failures in a row it is skipped
/// for a back-off of 5 s that doubles up to a minute; once that expires, one real query probes it: a success
/// puts it back in rotation, a failure starts the next, longer back-off.
/// </summary>
internal sealed class Upstream
{
    public const int FailureThreshold = 3;
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>A probe whose outcome never came (its query was cancelled) stops blocking the next one after this.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _downUntil;
    private DateTimeOffset _probeUntil;

    public Upstream(IPEndPoint endPoint)
    {
        EndPoint = endPoint;
        Name = endPoint.ToString();
    }

    public IPEndPoint EndPoint { get; }

    public string Name { get; }

    public bool IsHealthy
    {
        get
        {
            lock (_lock)
            {
                return _failures < FailureThreshold;
            }
        }
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
            if (_failures < FailureThreshold || now < _downUntil || now < _probeUntil)
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
            var wasDown = _failures >= FailureThreshold;
            _failures = 0;
            _probeUntil = default;
            return wasDown;
        }
    }

    /// <summary>Returns the back-off when this failure takes the upstream out of rotation (or keeps it out).</summary>
    public TimeSpan? Failed(DateTimeOffset now)
    {
        lock (_lock)
        {
            _probeUntil = default;
            if (++_failures < FailureThreshold)
            {
                return null;
            }

            var exponent = Math.Min(_failures - FailureThreshold, 4);
            var backoff = TimeSpan.FromTicks(Math.Min(BaseBackoff.Ticks << exponent, MaxBackoff.Ticks));
            _downUntil = now + backoff;
            return backoff;
        }
    }
}
