using System.Buffers;
using System.Net.Sockets;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Relays bytes both ways until both sides have finished. A FIN is passed on as a half-close and the other
/// direction keeps flowing. While a direction is idle it waits with a zero-byte read and holds no buffer, so an
/// idle tunnel costs two sockets and a little bookkeeping. Errors are values: a reset on one side closes both
/// sockets, which ends the other direction's wait.
/// </summary>
internal sealed class Tunnel
{
    private readonly ClientConnection _connection;
    private readonly int _bufferSize;
    private int _aborted;

    public Tunnel(ClientConnection connection, int bufferSize)
    {
        _connection = connection;
        _bufferSize = bufferSize;
    }

    /// <summary>
    /// Relays until both sides finish. <paramref name="admitUp"/>, when given, runs before anything of the client's
    /// goes upstream (the downstream direction flows meanwhile): it returns the bytes it sent itself, or null to
    /// refuse, which ends the tunnel.
    /// </summary>
    public async Task<TunnelResult> RunAsync(TunnelCheck? admitUp = null)
    {
        _connection.StartIdleClock();
        if (_connection.Expired != Expiry.None)
        {
            // Drained while the upstream connect was still in flight: the tunnel ends as soon as it starts.
            _connection.Abort();
        }

        var upstream = _connection.Upstream!;
        var up = PumpAsync(_connection.Client, upstream, _connection.Up, admitUp);
        var down = PumpAsync(upstream, _connection.Client, _connection.Down, watched: admitUp);
        var (bytesUp, endUp) = await up.ConfigureAwait(false);
        var (bytesDown, endDown) = await down.ConfigureAwait(false);
        var end = endUp == PumpEnd.Refused ? "refused"
            : _connection.Expired == Expiry.Drain ? "drain timeout"
            : _connection.Expired == Expiry.Idle ? "idle timeout"
            : endUp == PumpEnd.Eof && endDown == PumpEnd.Eof ? "closed" : $"client {Word(endUp)}, upstream {Word(endDown)}";
        return new TunnelResult(bytesUp, bytesDown, end);
    }

    /// <summary>
    /// One direction: <paramref name="operation"/> receives from <paramref name="from"/>, then sends to
    /// <paramref name="to"/>, in turn. <paramref name="admit"/> (client to upstream only) runs first, in the same
    /// state machine: an idle tunnel holds one per direction. <paramref name="watched"/> (upstream to client only): its
    /// <see cref="TunnelCheck.ServerHello"/>, once set, sees the server's bytes before the client does.
    /// </summary>
    private async Task<(long Bytes, PumpEnd End)> PumpAsync(
        Socket from, Socket to, SocketOperation operation, TunnelCheck? admit = null, TunnelCheck? watched = null)
    {
        long total = 0;
        if (admit is not null)
        {
            if (await admit.RunAsync().ConfigureAwait(false) is not { } admitted)
            {
                // Only the upstream side closes: the client still gets the refusal (a TLS alert).
                Interlocked.Exchange(ref _aborted, 1);
                _connection.Detach();
                return (0, PumpEnd.Refused);
            }

            total = admitted;
        }

        byte[]? buffer = null;
        try
        {
            while (true)
            {
                if (_connection.IsReset)
                {
                    return (total, Failed(null));
                }

                // A zero-byte wait for the next bytes: when it does not end at once the buffer goes back first, so an
                // idle direction holds none (and no FIONREAD per burst asks whether more is already there).
                var next = operation.ReceiveAsync(from, Memory<byte>.Empty);
                if (!next.IsCompleted && buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }

                var ready = await next.ConfigureAwait(false);
                if (!ready.Ok)
                {
                    return (total, Failed(from));
                }

                buffer ??= ArrayPool<byte>.Shared.Rent(_bufferSize);

                var read = await operation.ReceiveAsync(from, buffer).ConfigureAwait(false);
                if (!read.Ok)
                {
                    return (total, Failed(from));
                }

                if (read.Bytes == 0)
                {
                    // An end of stream that closing the tunnel caused (a reset the other way, a timeout) is not the peer's.
                    if (Volatile.Read(ref _aborted) != 0 || _connection.Expired != Expiry.None)
                    {
                        return (total, PumpEnd.Cancelled);
                    }

                    ShutdownSend(to);
                    return (total, PumpEnd.Eof);
                }

                if (watched?.ServerHello is { Decided: false } watch)
                {
                    watch.Observe(buffer.AsSpan(0, read.Bytes));
                }

                var written = await operation.SendAllAsync(to, buffer.AsMemory(0, read.Bytes)).ConfigureAwait(false);
                if (!written.Ok)
                {
                    return (total, Failed(to));
                }

                total += read.Bytes;
                _connection.Touch();
            }
        }
        finally
        {
            watched?.ServerHello?.Ended();
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// A direction failed: the first failure is a reset and resets both sockets (the tunnel is over both ways);
    /// a failure that closing caused, or a timeout, is a cancellation. <paramref name="failed"/> is the socket whose
    /// receive or send failed, or null when the tunnel check reset the tunnel already.
    /// </summary>
    private PumpEnd Failed(Socket? failed)
    {
        if (_connection.Expired != Expiry.None)
        {
            return PumpEnd.Cancelled;
        }

        return Abort(failed) ? PumpEnd.Reset : PumpEnd.Cancelled;
    }

    private bool Abort(Socket? failed)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return false;
        }

        _connection.Reset(failed);
        return true;
    }

    private static void ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed meanwhile by the other direction's reset.
        }
    }

    private static string Word(PumpEnd end) => end switch
    {
        PumpEnd.Eof => "eof",
        PumpEnd.Cancelled => "cancelled",
        PumpEnd.Refused => "refused",
        _ => "reset",
    };
}
