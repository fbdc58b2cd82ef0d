namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// The deadlines of the UDP exchanges waiting on upstreams, swept every <see cref="Tick"/>: an exchange past its
/// deadline has its socket closed, which ends its receive. One timer for all of them, instead of a timer and two
/// cancellation sources per exchange. Each sweep also runs <c>onTick</c> (the forwarder closes idle sockets past their
/// time), which says whether it has more to do. The timer runs only while an exchange waits or <c>onTick</c> has work:
/// an idle server wakes for nothing.
/// </summary>
internal sealed class ExchangeTimeouts : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly List<UpstreamSocket> _expired = [];
    private readonly Func<bool>? _onTick;
    private UpstreamSocket? _head;
    private bool _running;
    private int _sweeping;

    public ExchangeTimeouts(TimeProvider time, Func<bool>? onTick = null)
    {
        _time = time;
        _onTick = onTick;
        _timer = time.CreateTimer(_ => Sweep(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start(UpstreamSocket socket, TimeSpan timeout)
    {
        socket.Deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        lock (_lock)
        {
            socket.Previous = null;
            socket.Next = _head;
            if (_head is not null)
            {
                _head.Previous = socket;
            }

            _head = socket;
            socket.Waiting = true;
            if (!_running)
            {
                _running = true;
                _timer.Change(Tick, Tick);
            }
        }
    }

    /// <summary>Ends the wait; false when the deadline came first (and the socket was closed for it).</summary>
    public bool Stop(UpstreamSocket socket)
    {
        lock (_lock)
        {
            if (!socket.Waiting)
            {
                return false;
            }

            Unlink(socket);
            return true;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sweep()
    {
        // Timer callbacks overlap when one runs longer than a tick; one sweep at a time.
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        var more = _onTick?.Invoke() ?? false;
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            for (var socket = _head; socket is not null; socket = socket.Next)
            {
                if (socket.Deadline <= now)
                {
                    _expired.Add(socket);
                }
            }

            foreach (var socket in _expired)
            {
                Unlink(socket);
            }

            if (_head is null && !more)
            {
                _running = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        // Closed outside the lock: a receive may finish on this thread as its socket closes.
        foreach (var socket in _expired)
        {
            socket.Close();
        }

        _expired.Clear();
        Volatile.Write(ref _sweeping, 0);
    }

    private void Unlink(UpstreamSocket socket)
    {
        if (socket.Previous is null)
        {
            _head = socket.Next;
        }
        else
        {
            socket.Previous.Next = socket.Next;
        }

        if (socket.Next is not null)
        {
            socket.Next.Previous = socket.Previous;
        }

        socket.Previous = socket.Next = null;
        socket.Waiting = false;
    }
}
