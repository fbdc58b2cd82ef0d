using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// The idle <see cref="UpstreamSocket"/>s of one upstream. A socket goes back to the pool only under load (another
/// exchange began while it served its own, within <see cref="MaxIdleMs"/>), is taken again only within
/// <see cref="MaxIdleMs"/> of its last exchange, and lives <see cref="MaxAgeMs"/> at most: at a few queries a second every query leaves from a new port, as
/// from Unbound and BIND, and under load a port stays open for tens of milliseconds, not seconds.
/// <see cref="Trim"/> closes what the load left behind.
/// </summary>
internal sealed class UpstreamSocketPool(IPEndPoint upstream, int maxIdle = 1024)
{
    public const long MaxIdleMs = 10;
    public const long MaxAgeMs = 50;

    private static readonly long MaxIdle = MaxIdleMs * Stopwatch.Frequency / 1000;
    private static readonly long MaxAge = MaxAgeMs * Stopwatch.Frequency / 1000;

    private readonly ConcurrentQueue<UpstreamSocket> _idle = new();
    private long _lastRent;

    public UpstreamSocket Rent()
    {
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _lastRent, now);
        while (_idle.TryDequeue(out var socket))
        {
            if (Expired(socket, now))
            {
                socket.Dispose();
                continue;
            }

            socket.Drain();
            socket.RentedAt = now;
            return socket;
        }

        var opened = UpstreamSocket.Open(upstream);
        opened.RentedAt = now;
        return opened;
    }

    /// <summary>Takes back a socket whose exchange went well, while the load lasts; otherwise it is closed now.</summary>
    public void Return(UpstreamSocket socket)
    {
        var now = Stopwatch.GetTimestamp();
        socket.IdleSince = now;
        var lastRent = Volatile.Read(ref _lastRent);
        var busy = lastRent > socket.RentedAt && now - lastRent < MaxIdle;
        if (socket.Reusable && busy && now - socket.OpenedAt < MaxAge && _idle.Count < maxIdle)
        {
            _idle.Enqueue(socket);
        }
        else
        {
            socket.Dispose();
        }
    }

    /// <summary>Closes the idle sockets past their time; called on the forwarder's timeout sweep.</summary>
    public void Trim()
    {
        var now = Stopwatch.GetTimestamp();
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
    }

    private static bool Expired(UpstreamSocket socket, long now) => now - socket.IdleSince > MaxIdle || now - socket.OpenedAt >= MaxAge;
}
