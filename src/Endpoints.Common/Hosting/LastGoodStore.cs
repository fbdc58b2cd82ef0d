namespace Endpoints.Common.Hosting;

/// <summary>
/// Something loaded from files and swapped in whole (the zone set, the policy). Loads run one at a time (the poll
/// timer and SIGHUP may race); a load that returns null keeps the last good value, and readers never see a mix.
/// </summary>
public abstract class LastGoodStore<T>(T initial)
    where T : class
{
    private readonly Lock _lock = new();
    private T _current = initial;

    public T Current => Volatile.Read(ref _current);

    /// <summary>Loads again; <paramref name="reason"/> (start, SIGHUP, files changed) is for the log. False when the last good value stays.</summary>
    public bool Reload(string reason)
    {
        lock (_lock)
        {
            var loaded = Load(reason, Current);
            if (loaded is null)
            {
                return false;
            }

            var previous = Current;
            Volatile.Write(ref _current, loaded);
            Swapped(previous, loaded);
            return true;
        }
    }

    /// <summary>After <paramref name="current"/> replaced <paramref name="previous"/>; readers may still hold the previous one.</summary>
    protected virtual void Swapped(T previous, T current)
    {
    }

    /// <summary>The new value, or null to keep <paramref name="current"/> (the load failed and said why).</summary>
    protected abstract T? Load(string reason, T current);
}
