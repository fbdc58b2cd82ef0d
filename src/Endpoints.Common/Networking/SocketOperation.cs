using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Endpoints.Common.Networking;

/// <summary>
/// One socket operation at a time (receive, send or connect) that reports failure as a <see cref="SocketError"/>
/// value. Socket's own awaitable methods throw on a reset, and an asynchronous failure also captures a stack trace:
/// under a load of clients that reset (every S3 SDK pool does), that was over a fifth of the proxy's CPU
/// (the proxy's bench/README.md). Reused for the life of a connection; cancelled by closing or shutting down the
/// socket, never by a token.
/// </summary>
public sealed class SocketOperation : SocketAsyncEventArgs, IValueTaskSource<SocketResult>
{
    private ManualResetValueTaskSourceCore<SocketResult> _source;
    private bool _sendPending;

    public SocketOperation()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    public ValueTask<SocketResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        Start(buffer);
        return Complete(socket, static (s, e) => s.ReceiveAsync(e));
    }

    public ValueTask<SocketResult> SendAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        // The buffer is only read; SocketAsyncEventArgs takes a Memory<byte> for both directions.
        Start(System.Runtime.InteropServices.MemoryMarshal.AsMemory(data));
        return Complete(socket, static (s, e) =>
        {
            var operation = (SocketOperation)e;
            Volatile.Write(ref operation._sendPending, true);
            var pending = s.SendAsync(e);
            if (!pending)
            {
                Volatile.Write(ref operation._sendPending, false);
            }

            return pending;
        });
    }

    /// <summary>
    /// A send waits for the peer to make room: only closing the socket ends it. Read without a lock: a stale answer
    /// leaves the send to the idle timeout, or closes a socket that had just finished sending.
    /// </summary>
    public bool SendPending => Volatile.Read(ref _sendPending);

    /// <summary>Sends all of <paramref name="data"/>, however many sends that takes; the bytes sent, or the first error.</summary>
    public async ValueTask<SocketResult> SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        var total = 0;
        while (total < data.Length)
        {
            var sent = await SendAsync(socket, data[total..]).ConfigureAwait(false);
            if (!sent.Ok)
            {
                return sent;
            }

            total += sent.Bytes;
        }

        return new SocketResult(total, SocketError.Success);
    }

    public ValueTask<SocketResult> ConnectAsync(Socket socket, IPEndPoint endpoint)
    {
        Start(Memory<byte>.Empty);
        RemoteEndPoint = endpoint;
        return Complete(socket, static (s, e) => s.ConnectAsync(e));
    }

    /// <summary>Drops what the last operation referred to, before the operation goes back to the pool.</summary>
    public void Clear()
    {
        SetBuffer(Memory<byte>.Empty);
        RemoteEndPoint = null;
    }

    SocketResult IValueTaskSource<SocketResult>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<SocketResult>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<SocketResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        Volatile.Write(ref _sendPending, false);
        _source.SetResult(new SocketResult(BytesTransferred, SocketError));
    }

    private void Start(Memory<byte> buffer)
    {
        _source.Reset();
        SetBuffer(buffer);
    }

    private ValueTask<SocketResult> Complete(Socket socket, Func<Socket, SocketAsyncEventArgs, bool> start)
    {
        try
        {
            if (start(socket, this))
            {
                return new ValueTask<SocketResult>(this, _source.Version);
            }
        }
        catch (ObjectDisposedException)
        {
            // Closed by a timeout or the other direction before this operation began.
            return new ValueTask<SocketResult>(new SocketResult(0, SocketError.OperationAborted));
        }

        return new ValueTask<SocketResult>(new SocketResult(BytesTransferred, SocketError));
    }
}
