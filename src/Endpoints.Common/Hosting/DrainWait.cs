namespace Endpoints.Common.Hosting;

/// <summary>How both services wait out work in flight on stop: poll a count until it is zero or the time is up.</summary>
public static class DrainWait
{
    /// <summary>Returns what was still pending when the wait ended.</summary>
    public static async Task<int> UntilIdleAsync(Func<int> pending, TimeSpan timeout, TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (pending() > 0 && time.GetElapsedTime(started) < timeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(poll, time, CancellationToken.None).ConfigureAwait(false);
        }

        return pending();
    }
}
