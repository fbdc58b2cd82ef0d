using System.Net.Sockets;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// One client connection's sockets, its two reusable operations (one per direction) and its current deadline.
/// Created at accept, registered with <see cref="ConnectionDeadlines"/> until it is disposed.
/// </summary>
internal sealed class ClientConnection : IDisposable
{
    private readonly ConnectionDeadlines _deadlines;
    private long _deadline = long.MaxValue;
    private Expiry _pending;
    private long _lastActivity;
    private int _expired;
    private int _disposed;
    private int _reset;

    public ClientConnection(Socket client, ConnectionDeadlines deadlines)
    {
        Client = client;
        _deadlines = deadlines;
        deadlines.Add(this);
    }

    public Socket Client { get; }

    public Socket? Upstream { get; private set; }

    /// <summary>
    /// The client-to-upstream direction's operation: reads from the client (the handshake, the tunnel), connects
    /// upstream and writes there. A direction does one thing at a time, so one operation each is enough: an idle
    /// tunnel holds two, not four.
    /// </summary>
    public SocketOperation Up { get; } = SocketOperationPool.Rent();

    /// <summary>The upstream-to-client direction's operation: reads from upstream, writes to the client (the 200, a refusal).</summary>
    public SocketOperation Down { get; } = SocketOperationPool.Rent();

    /// <summary>Which timeout ended a wait, if one did.</summary>
    public Expiry Expired => (Expiry)Volatile.Read(ref _expired);

    internal ClientConnection? Previous { get; set; }

    internal ClientConnection? Next { get; set; }

    /// <summary>From now on, <paramref name="kind"/> fires after <paramref name="timeout"/> unless replaced or cleared.</summary>
    public void SetDeadline(Expiry kind, TimeSpan timeout)
    {
        _pending = kind;
        Volatile.Write(ref _deadline, _deadlines.Time.GetTimestamp() + (long)(timeout.TotalSeconds * _deadlines.Time.TimestampFrequency));
    }

    public void ClearDeadline() => Volatile.Write(ref _deadline, long.MaxValue);

    /// <summary>The tunnel is open: from now on the idle timeout applies, counted from the last bytes moved.</summary>
    public void StartIdleClock()
    {
        ClearDeadline();
        Touch();
        _pending = Expiry.Idle;
    }

    public void Touch() => Volatile.Write(ref _lastActivity, _deadlines.Time.GetTimestamp());

    /// <summary>The upstream socket, from the dialer, so a connect timeout or the drain can close it.</summary>
    public void Attach(Socket upstream)
    {
        Upstream = upstream;
        if (Expired is Expiry.Drain)
        {
            upstream.Dispose();
        }
    }

    public void Detach()
    {
        Upstream?.Dispose();
        Upstream = null;
    }

    /// <summary>
    /// Ends the tunnel in both directions (a reset, a timeout): both sockets shut down, which ends any wait on them
    /// and sends each peer a FIN. The sockets are closed when the connection is disposed.
    /// </summary>
    public void Abort()
    {
        Shutdown(Upstream, SocketShutdown.Both);
        Shutdown(Client, SocketShutdown.Both);
    }

    /// <summary>
    /// One side reset: the other gets a reset too, as HAProxy does. An abortive close (linger 0) also leaves no
    /// TIME_WAIT socket behind, which under a load of short connections makes every connect() search longer for a
    /// free port (bench/README.md: 15 % of the proxy's CPU in __inet_check_established and __inet_hash_connect).
    /// The sockets are shut for reading now and closed (with the reset) when the connection is disposed: a pending
    /// receive then ends on the socket engine's thread, where closing it would have cancelled it through the thread
    /// pool (bench/README.md: a thread switch per reset connection). A socket with a send waiting for its peer is closed at
    /// once, since only that ends the send. <paramref name="failed"/>, the socket whose own receive or send failed, is
    /// left as it is: its peer reset it (or it was closed here), so the kernel has nothing to reset and its waits have
    /// ended already; it is closed with the other.
    /// </summary>
    public void Reset(Socket? failed)
    {
        // Once: the tunnel check that saw the reset and the pump it hands the end to both call this.
        if (Interlocked.Exchange(ref _reset, 1) != 0)
        {
            return;
        }

        if (Upstream != failed)
        {
            ResetSocket(Upstream, Up.SendPending);
        }

        if (Client != failed)
        {
            ResetSocket(Client, Down.SendPending);
        }
    }

    /// <summary>Reset by <see cref="Reset"/>: both sockets are shut or closed, so nothing more may be started on them.</summary>
    public bool IsReset => Volatile.Read(ref _reset) != 0;

    /// <summary>Ends the current wait for <paramref name="why"/>; the first reason sticks.</summary>
    public void Expire(Expiry why)
    {
        if (Interlocked.CompareExchange(ref _expired, (int)why, (int)Expiry.None) != (int)Expiry.None && why != Expiry.Drain)
        {
            return;
        }

        Volatile.Write(ref _expired, (int)why);
        switch (why)
        {
            case Expiry.Handshake:
                // A pending receive ends as if the client had closed; the refusal can still be sent.
                Shutdown(Client, SocketShutdown.Receive);
                break;
            case Expiry.Connect:
                Upstream?.Dispose();
                break;
            default:
                Abort();
                break;
        }
    }

    /// <summary>Called by <see cref="ConnectionDeadlines"/> on each tick.</summary>
    internal void Check(long now, long idleTicks)
    {
        if (_pending == Expiry.Idle)
        {
            if (now - Volatile.Read(ref _lastActivity) > idleTicks)
            {
                Expire(Expiry.Idle);
            }
        }
        else if (now > Volatile.Read(ref _deadline))
        {
            ClearDeadline();
            Expire(_pending);
        }
    }

    public void Dispose()
    {
        // Once only: the operations go back to the pool.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _deadlines.Remove(this);
        Upstream?.Dispose();
        Client.Dispose();
        SocketOperationPool.Return(Up);
        SocketOperationPool.Return(Down);
    }

    private static void ResetSocket(Socket? socket, bool sendPending)
    {
        if (sendPending)
        {
            socket?.Close(0);
            return;
        }

        try
        {
            if (socket is not null)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Shutdown(SocketShutdown.Receive);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing is waiting on it.
        }
    }

    private static void Shutdown(Socket? socket, SocketShutdown how)
    {
        try
        {
            socket?.Shutdown(how);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing is waiting on it.
        }
    }
}
