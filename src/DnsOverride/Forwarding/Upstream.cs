using System.Net;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// One upstream resolver and its health. After <see cref="FailureThreshold"/> failures in a row it is skipped
/// for a back-off that doubles up to a minute; when that expires one query probes it back.
/// </summary>
internal sealed class Upstream
{
    public const int FailureThreshold = 3;
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _downUntil;

    public Upstream(IPEndPoint endPoint)
    {
        EndPoint = endPoint;
        Name = endPoint.ToString();
    }

    public IPEndPoint EndPoint { get; }

    public string Name { get; }

    public override string ToString() => Name;

    /// <summary>
    /// Whether a query may use this upstream now: always while healthy; while backing off, only the first query
    /// after the back-off expires, as a probe (a failed probe starts a longer back-off).
    /// </summary>
    public bool TryAcquire(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_failures < FailureThreshold)
            {
                return true;
            }

            if (now < _downUntil)
            {
                return false;
            }

            _downUntil = now + MaxBackoff;
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
            return wasDown;
        }
    }

    /// <summary>Returns the back-off when this failure takes the upstream out of rotation (or keeps it out).</summary>
    public TimeSpan? Failed(DateTimeOffset now)
    {
        lock (_lock)
        {
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
