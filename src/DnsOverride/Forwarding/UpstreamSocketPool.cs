using System.Collections.Concurrent;
using System.Net;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// The idle <see cref="UpstreamSocket"/>s of one upstream. A socket goes back to the pool only under load (another
/// exchange began while it served its own, within <see cref="MaxIdleMs"/>), is taken again only within
/// <see cref="MaxIdleMs"/> of its last exchange, and lives <see cref="MaxAgeMs"/> at most: at a few queries a second every query leaves from a new port, as
/// from Unbound and BIND, and under load a port stays open for tens of milliseconds, not seconds.
/// <see cref="Trim"/> closes what the load left behind.
/// </summary>
internal sealed class UpstreamSocketPool(IPEndPoint upstream, TimeProvider time, int maxIdle = 1024)
{
    public const long MaxIdleMs = 10;
    public const long MaxAgeMs = 50;

    private readonly long _maxIdle = MaxIdleMs * time.TimestampFrequency / 1000;
    private readonly long _maxAge = MaxAgeMs * time.TimestampFrequency / 1000;

    private readonly ConcurrentQueue<UpstreamSocket> _idle = new();
    private long _lastRent;
    private long _rents;

    public UpstreamSocket Rent()
    {
        var now = time.GetTimestamp();
        var rent = Interlocked.Increment(ref _rents);
        Volatile.Write(ref _lastRent, now);
        while (_idle.TryDequeue(out var socket))
        {
            if (Expired(socket, now))
            {
                socket.Dispose();
                continue;
            }

            socket.Drain();
            socket.Rent = rent;
            return socket;
        }

        var opened = UpstreamSocket.Open(upstream);
        opened.OpenedAt = now;
        opened.Rent = rent;
        return opened;
    }

    /// <summary>Takes back a socket whose exchange went well, while the load lasts; otherwise it is closed now.</summary>
    public void Return(UpstreamSocket socket)
    {
        var now = time.GetTimestamp();
        socket.IdleSince = now;
        var lastRent = Volatile.Read(ref _lastRent);
        var busy = Volatile.Read(ref _rents) > socket.Rent && now - lastRent < _maxIdle;
        if (socket.Reusable && busy && now - socket.OpenedAt < _maxAge && _idle.Count < maxIdle)
        {
            _idle.Enqueue(socket);
        }
        else
        {
            socket.Dispose();
        }
    }

    /// <summary>
    /// Closes the idle sockets past their time; called on the forwarder's timeout sweep. True while some stay idle (the
    /// sweep goes on for them). A socket pooled just after a sweep found none waits for the next forward's sweep.
    /// </summary>
    public bool Trim()
    {
        var now = time.GetTimestamp();
        for (var count = _idle.Count; count > 0 && _idle.TryDequeue(out var socket); count--)
        {
            if (Expired(socket, now))
            {
                socket.Dispose();
            }
            else
            {
                _idle.Enqueue(socket);
            }
        }

        return !_idle.IsEmpty;
    }

    private bool Expired(UpstreamSocket socket, long now) => now - socket.IdleSince > _maxIdle || now - socket.OpenedAt >= _maxAge;
}
