namespace Endpoints.Proxy.Tunneling;

/// <summary>Counts open connections for the limit and for draining, and the most open at once (for <see cref="AfterLoadCollector"/>).</summary>
internal sealed class ConnectionTracker(int limit)
{
    private int _open;
    private int _peak;

    public int Open => Volatile.Read(ref _open);

    public int Limit => limit;

    public bool TryEnter()
    {
        var open = Interlocked.Increment(ref _open);
        if (open <= limit)
        {
            // A plain read first: the peak moves only while the load rises, so most connections never write it.
            while (open > Volatile.Read(ref _peak))
            {
                var peak = Volatile.Read(ref _peak);
                if (Interlocked.CompareExchange(ref _peak, open, peak) == peak)
                {
                    break;
                }
            }

            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _open);

    /// <summary>The most connections open at once since the last call; the count starts again from those open now.</summary>
    public int TakePeak() => Math.Max(Interlocked.Exchange(ref _peak, Open), Open);
}
