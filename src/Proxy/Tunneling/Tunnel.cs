using System.Buffers;
using System.Net.Sockets;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Relays bytes both ways until both sides have finished. A FIN is passed on as a half-close and the other
/// direction keeps flowing. While a direction is idle it waits with a zero-byte read and holds no buffer, so an
/// idle tunnel costs two sockets and a little bookkeeping.
/// </summary>
internal sealed class Tunnel
{
    private readonly Socket _client;
    private readonly Socket _upstream;
    private readonly int _bufferSize;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private long _lastActivity;

    public Tunnel(Socket client, Socket upstream, int bufferSize, TimeSpan idleTimeout, TimeProvider time)
    {
        _client = client;
        _upstream = upstream;
        _bufferSize = bufferSize;
        _idleTimeout = idleTimeout;
        _time = time;
    }

    /// <summary>
    /// Relays until both sides finish. <paramref name="admitUp"/>, when given, runs before anything of the client's
    /// goes upstream (the downstream direction flows meanwhile): it returns the bytes it sent itself, or null to
    /// refuse, which ends the tunnel.
    /// </summary>
    public async Task<TunnelResult> RunAsync(CancellationToken abort, Func<CancellationToken, Task<long?>>? admitUp = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(abort);
        cancel.CancelAfter(_idleTimeout);
        _lastActivity = _time.GetTimestamp();
        var up = PumpUpAsync(admitUp, cancel);
        var down = PumpAsync(_upstream, _client, cancel);
        var (bytesUp, endUp) = await up.ConfigureAwait(false);
        var (bytesDown, endDown) = await down.ConfigureAwait(false);
        var end = endUp == PumpEnd.Refused ? "refused"
            : abort.IsCancellationRequested ? "drain timeout"
            : cancel.IsCancellationRequested && endUp != PumpEnd.Reset && endDown != PumpEnd.Reset ? "idle timeout"
            : endUp == PumpEnd.Eof && endDown == PumpEnd.Eof ? "closed" : $"client {Word(endUp)}, upstream {Word(endDown)}";
        return new TunnelResult(bytesUp, bytesDown, end);
    }

    private async Task<(long Bytes, PumpEnd End)> PumpUpAsync(Func<CancellationToken, Task<long?>>? admit, CancellationTokenSource cancel)
    {
        long admitted = 0;
        if (admit is not null)
        {
            long? sent;
            try
            {
                sent = await admit(cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (0, PumpEnd.Cancelled);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                await cancel.CancelAsync().ConfigureAwait(false);
                return (0, PumpEnd.Reset);
            }

            if (sent is not { } bytes)
            {
                await cancel.CancelAsync().ConfigureAwait(false);
                return (0, PumpEnd.Refused);
            }

            admitted = bytes;
        }

        var (pumped, end) = await PumpAsync(_client, _upstream, cancel).ConfigureAwait(false);
        return (admitted + pumped, end);
    }

    private async Task<(long Bytes, PumpEnd End)> PumpAsync(Socket from, Socket to, CancellationTokenSource cancel)
    {
        long total = 0;
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                if (buffer is null)
                {
                    await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancel.Token).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                }

                var n = await from.ReceiveAsync(buffer, SocketFlags.None, cancel.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return (total, PumpEnd.Eof);
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancel.Token).ConfigureAwait(false);
                total += n;
                Touch(cancel);
                if (from.Available == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (total, PumpEnd.Cancelled);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // One side reset: the tunnel is over in both directions.
            await cancel.CancelAsync().ConfigureAwait(false);
            return (total, PumpEnd.Reset);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static string Word(PumpEnd end) => end switch
    {
        PumpEnd.Eof => "eof",
        PumpEnd.Cancelled => "cancelled",
        PumpEnd.Refused => "refused",
        _ => "reset",
    };

    /// <summary>Pushes the idle deadline back, at most once a second (it is a timer change).</summary>
    private void Touch(CancellationTokenSource cancel)
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) > TimeSpan.FromSeconds(1))
        {
            Volatile.Write(ref _lastActivity, now);
            cancel.CancelAfter(_idleTimeout);
        }
    }
}
