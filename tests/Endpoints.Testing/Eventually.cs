using System.Diagnostics;

namespace Endpoints.Testing;

/// <summary>
/// Polls until something holds or the time is up: how a test waits for a reload, a metric or a drain, never with a
/// fixed sleep. The elapsed time comes back for tests that bound it loosely.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Calls <paramref name="probe"/> until <paramref name="done"/> holds for its value or <paramref name="within"/> passes; the last value.</summary>
    public static async Task<(T Value, bool Done, TimeSpan Elapsed)> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || clock.Elapsed > within)
            {
                return (value, done(value), clock.Elapsed);
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>Whether <paramref name="condition"/> came to hold within <paramref name="within"/>.</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan within) =>
        (await PollAsync(() => Task.FromResult(condition()), held => held, within)).Done;
}
