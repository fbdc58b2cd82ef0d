namespace Endpoints.DnsOverride.RateLimiting;

/// <summary>
/// A token bucket in responses: refilled at the rate up to one second's worth, one spent per response, and allowed
/// into debt down to a window's worth, so a prefix that keeps flooding stays limited until it has been quiet.
/// </summary>
internal sealed class RateLimitAccount(double balance, long timestamp)
{
    private readonly Lock _lock = new();
    private double _balance = balance;
    private long _last = timestamp;
    private int _limited;
    private long _reported = long.MinValue;

    /// <summary>When it was last charged, in <see cref="TimeProvider"/> timestamps; stale accounts are recycled.</summary>
    public long Last => Volatile.Read(ref _last);

    /// <summary>
    /// Charges one response at <paramref name="now"/>. <c>Report</c> is true for the first limited response after
    /// sending, at most once a window, so a prefix hovering at the limit is logged once, not per packet.
    /// </summary>
    public (RateLimitVerdict Verdict, bool Report) Charge(long now, double frequency, int rate, double window, int slip)
    {
        lock (_lock)
        {
            var elapsed = Math.Max(0, now - _last) / frequency;
            _last = now;
            _balance = Math.Min(rate, _balance + (elapsed * rate)) - 1;
            if (_balance >= 0)
            {
                _limited = 0;
                return (RateLimitVerdict.Send, false);
            }

            _balance = Math.Max(_balance, -window * rate);
            var limited = ++_limited;
            var verdict = slip > 0 && limited % slip == 0 ? RateLimitVerdict.Slip : RateLimitVerdict.Drop;
            var report = limited == 1 && (_reported == long.MinValue || (now - _reported) / frequency >= window);
            if (report)
            {
                _reported = now;
            }

            return (verdict, report);
        }
    }
}
