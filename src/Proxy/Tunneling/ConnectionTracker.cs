namespace Endpoints.Proxy.Tunneling;

/// <summary>Counts open connections for the limit and for draining.</summary>
internal sealed class ConnectionTracker(int limit)
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public int Limit => limit;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _open);
}
