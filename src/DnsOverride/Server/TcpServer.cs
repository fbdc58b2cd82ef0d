using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Hosting;
using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Logging;

namespace Endpoints.DnsOverride.Server;

/// <summary>
/// DNS over TCP (RFC 7766): two-byte length prefix, many queries per connection answered in order, an idle
/// timeout, and a connection limit beyond which new connections are closed at once. A client that stops reading
/// holds little: answers are written one at a time into a small send buffer, and a write that cannot finish within
/// the idle timeout closes the connection.
/// </summary>
internal sealed class TcpServer : IDisposable
{
    /// <summary>What a connection may have queued for a client that does not read: two largest answers (the kernel doubles it).</summary>
    private const int SendBufferBytes = 64 * 1024;

    private readonly Socket _listener;
    private readonly QueryPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxConnections;
    private readonly QueryContextPool _pool;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private int _connections;
    private Task _acceptLoop = Task.CompletedTask;

    public TcpServer(IPEndPoint endpoint, QueryPipeline pipeline, TimeSpan idleTimeout, int maxConnections, TimeProvider time, ILogger logger)
    {
        _listener = ListenSocket.Bind(endpoint, ProtocolType.Tcp);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _pipeline = pipeline;
        _idleTimeout = idleTimeout;
        _maxConnections = maxConnections;
        _time = time;
        _logger = logger;
        _pool = new QueryContextPool(endpoint.AddressFamily, maxRetained: 16);
    }

    public IPEndPoint EndPoint { get; }

    public int Connections => Volatile.Read(ref _connections);

    public void Start()
    {
        _listener.Listen(1024);
        _acceptLoop = AcceptLoopAsync();
        Log.Listening(_logger, "tcp", EndPoint);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (Interlocked.Increment(ref _connections) > _maxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Log.TcpLimit(_logger, _maxConnections, client.RemoteEndPoint?.ToString() ?? "?");
                client.Close(0);
                continue;
            }

            _ = ServeConnectionAsync(client);
        }
    }

    private async Task ServeConnectionAsync(Socket client)
    {
        var context = _pool.Rent();
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var reason = "closed by client";
        var prefix = new byte[2];
        var writing = false;
        client.NoDelay = true;
        client.SendBufferSize = SendBufferBytes;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            while (true)
            {
                idle.CancelAfter(_idleTimeout);
                if (!await ReadExactlyAsync(client, prefix, idle.Token).ConfigureAwait(false))
                {
                    break;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
                if (length == 0 || !await ReadExactlyAsync(client, context.Request.AsMemory(0, length), idle.Token).ConfigureAwait(false))
                {
                    reason = "short message";
                    break;
                }

                context.Reset(DnsTransport.Tcp);
                context.TcpRemote = remote;
                context.RequestLength = length;
                await _pipeline.ServeAsync(context, _abort.Token).ConfigureAwait(false);
                if (context.ResponseLength == 0)
                {
                    continue;
                }

                writing = true;
                idle.CancelAfter(_idleTimeout);
                await SendAsync(client, context.Response.AsMemory(0, context.ResponseLength), idle.Token).ConfigureAwait(false);

                // A zone transfer goes on in more messages, each written once the one before is sent.
                while (context.Following is { } following && following.TryWriteNext(context))
                {
                    idle.CancelAfter(_idleTimeout);
                    await SendAsync(client, context.Response.AsMemory(0, context.ResponseLength), idle.Token).ConfigureAwait(false);
                }

                writing = false;
            }
        }
        catch (OperationCanceledException)
        {
            reason = _stop.IsCancellationRequested ? "server stopping" : writing ? "write timeout" : "idle timeout";
        }
        catch (SocketException ex)
        {
            reason = ex.SocketErrorCode.ToString();
        }
        finally
        {
            Log.TcpClosed(_logger, remote, reason);
            client.Dispose();
            _pool.Return(context);
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>Writes the length prefix and the answer in one send, from a pooled buffer, so one token can time it out.</summary>
    private static async ValueTask SendAsync(Socket client, ReadOnlyMemory<byte> answer, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(answer.Length + 2);
        try
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)answer.Length);
            answer.CopyTo(buffer.AsMemory(2));
            var sent = 0;
            while (sent < answer.Length + 2)
            {
                sent += await client.SendAsync(buffer.AsMemory(sent, answer.Length + 2 - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>
    /// Stops accepting, closes idle connections, and lets the others finish the query they are on, up to
    /// <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        await _acceptLoop.ConfigureAwait(false);
        await DrainWait.UntilIdleAsync(() => Connections, grace, TimeSpan.FromMilliseconds(20), _time, CancellationToken.None).ConfigureAwait(false);

        await _abort.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _abort.Dispose();
        _listener.Dispose();
    }
}
