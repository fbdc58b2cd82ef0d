namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Every connection's timeouts on one timer, as Kestrel's heartbeat does: a connection holds a deadline (or, in a
/// tunnel, its last activity) and a tick ends the waits that ran out by closing or shutting down sockets. Per
/// connection that costs two list links instead of a cancellation source and a timer per wait.
/// </summary>
internal sealed class ConnectionDeadlines : IDisposable
{
    /// <summary>How late a timeout may fire: small against the shortest timeout (seconds).</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _idleTicks;
    private readonly ITimer _timer;
    private ClientConnection? _head;

    public ConnectionDeadlines(TimeProvider time, TimeSpan idleTimeout)
    {
        _time = time;
        _idleTicks = (long)(idleTimeout.TotalSeconds * time.TimestampFrequency);
        _timer = time.CreateTimer(static state => ((ConnectionDeadlines)state!).Tick(), this, Resolution, Resolution);
    }

    public TimeProvider Time => _time;

    public void Add(ClientConnection connection)
    {
        lock (_lock)
        {
            connection.Next = _head;
            if (_head is not null)
            {
                _head.Previous = connection;
            }

            _head = connection;
        }
    }

    public void Remove(ClientConnection connection)
    {
        lock (_lock)
        {
            if (connection.Previous is null && _head != connection)
            {
                return;
            }

            if (connection.Previous is not null)
            {
                connection.Previous.Next = connection.Next;
            }
            else
            {
                _head = connection.Next;
            }

            if (connection.Next is not null)
            {
                connection.Next.Previous = connection.Previous;
            }

            connection.Previous = connection.Next = null;
        }
    }

    /// <summary>Ends every connection still open (the drain timeout ran out).</summary>
    public void ExpireAll()
    {
        lock (_lock)
        {
            for (var connection = _head; connection is not null; connection = connection.Next)
            {
                connection.Expire(Expiry.Drain);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            for (var connection = _head; connection is not null; connection = connection.Next)
            {
                connection.Check(now, _idleTicks);
            }
        }
    }
}
