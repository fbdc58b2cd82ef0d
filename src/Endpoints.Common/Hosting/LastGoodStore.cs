namespace Endpoints.Common.Hosting;

/// <summary>
/// Something loaded from files and swapped in whole (the zone set, the policy). Loads run one at a time (the poll
/// timer and SIGHUP may race); a load that returns null or throws keeps the last good value, and readers never see a
/// mix. Nothing a reload meets stops the service: a bug in one load costs that load, not every query after it.
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
            T? loaded;
            try
            {
                loaded = Load(reason, Current);
            }
#pragma warning disable CA1031 // any failure of a load keeps the last good value; Failed logs and counts it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Failed(reason, ex);
                return false;
            }

            if (loaded is null)
            {
                return false;
            }

            var previous = Current;
            Volatile.Write(ref _current, loaded);
            try
            {
                Swapped(previous, loaded);
            }
#pragma warning disable CA1031 // the new value is in service; what reacts to it failed on its own
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Failed(reason, ex);
            }

            return true;
        }
    }

    /// <summary>After <paramref name="current"/> replaced <paramref name="previous"/>; readers may still hold the previous one.</summary>
    protected virtual void Swapped(T previous, T current)
    {
    }

    /// <summary>The new value, or null to keep <paramref name="current"/> (the load failed and said why).</summary>
    protected abstract T? Load(string reason, T current);

    /// <summary>A load or a reaction to a swap threw: log it in one line and count it.</summary>
    protected abstract void Failed(string reason, Exception exception);
}
