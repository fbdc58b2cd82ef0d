using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Logging;

namespace Endpoints.DnsOverride.Server;

/// <summary>
/// UDP on dedicated threads with blocking receives: measured faster and cheaper than async receives on this
/// runtime (see bench/README.md). Each thread reads and answers what is queued in batches (<see cref="UdpBatch"/>).
/// Authoritative answers complete inline and allocate nothing; a query that must wait for an upstream continues on
/// the thread pool with its own context and is sent alone. Contexts hold a query of up to <see cref="MaxQuery"/>
/// bytes and an answer of the largest UDP size we send; a bigger datagram is dropped.
/// </summary>
internal sealed class UdpServer : IDisposable
{
    private const int SocketBufferBytes = 4 << 20;

    /// <summary>No real query comes near this: a question and an OPT record with a few options.</summary>
    private const int MaxQuery = 4096;

    private readonly Socket _socket;
    private readonly QueryPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly QueryContextPool _pool;
    private readonly CancellationToken _stopping;
    private readonly Thread[] _threads;
    private readonly int _maxPayload;
    private int _pending;
    private volatile bool _stopped;

    public UdpServer(IPEndPoint endpoint, QueryPipeline pipeline, int threads, int maxPayload, int maxWaiting, ILogger logger, CancellationToken stopping)
    {
        _socket = ListenSocket.Bind(endpoint, ProtocolType.Udp);
        _socket.ReceiveBufferSize = SocketBufferBytes;
        _socket.SendBufferSize = SocketBufferBytes;
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _pipeline = pipeline;
        _logger = logger;
        _stopping = stopping;
        _maxPayload = maxPayload;
        _pool = new QueryContextPool(endpoint.AddressFamily, maxWaiting + threads, MaxQuery, maxPayload);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(ReceiveLoop) { IsBackground = true, Name = $"dns-udp-{EndPoint.Port}-{i}" };
        }
    }

    public IPEndPoint EndPoint { get; }

    public int Pending => Volatile.Read(ref _pending);

    public void Start()
    {
        foreach (var thread in _threads)
        {
            thread.Start();
        }

        Log.Listening(_logger, "udp", EndPoint);
    }

    private void ReceiveLoop()
    {
        using var batch = new UdpBatch(MaxQuery, _maxPayload);
        var context = _pool.Rent();
        while (!_stopped)
        {
            int count;
            try
            {
                count = batch.Receive(_socket);
            }
            catch (SocketException) when (!_stopped)
            {
                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                break;
            }

            for (var i = 0; i < count; i++)
            {
                var length = batch.CopyTo(i, context);

                // Not served: the empty datagram StopReceiving sends to wake the thread, or one over MaxQuery.
                if (length <= 0)
                {
                    continue;
                }

                try
                {
                    if (ServeInline(ref context, length))
                    {
                        batch.Queue(context);
                    }
                }
#pragma warning disable CA1031 // one query's failure must not end the thread: the port would go deaf
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.ReceiveError(_logger, EndPoint, ex);
                }
            }

            batch.Send(_socket);
        }

        _pool.Return(context);
    }

    /// <summary>
    /// True when the answer is ready in <paramref name="context"/>; otherwise the query finishes and is sent on its
    /// own, and <paramref name="context"/> is a fresh one.
    /// </summary>
    private bool ServeInline(ref QueryContext context, int length)
    {
        context.Reset(DnsTransport.Udp);
        context.RequestLength = length;
        var serving = _pipeline.ServeAsync(context, _stopping);
        if (serving.IsCompletedSuccessfully)
        {
            return context.ResponseLength > 0;
        }

        Interlocked.Increment(ref _pending);
        _ = FinishAsync(serving, context);
        context = _pool.Rent();
        return false;
    }

    private async Task FinishAsync(ValueTask serving, QueryContext context)
    {
        try
        {
            await serving.ConfigureAwait(false);
            Send(context);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _pool.Return(context);
            Interlocked.Decrement(ref _pending);
        }
    }

    private void Send(QueryContext context)
    {
        if (context.ResponseLength == 0)
        {
            return;
        }

        try
        {
            _socket.SendTo(context.Response.AsSpan(0, context.ResponseLength), SocketFlags.None, context.UdpRemote);
        }
        catch (SocketException)
        {
            // The client is gone or its address unreachable: nothing to tell anyone, UDP is best effort.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Stops the receive threads, then answers what is left in the socket buffer and what is still pending, and
    /// closes the socket as soon as both are empty (or <paramref name="grace"/> has passed): a query that arrives
    /// after that is refused by the kernel (ICMP), so no resolver waits for a timeout.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, TimeProvider time)
    {
        StopReceiving();
        SealQueue();
        var started = time.GetTimestamp();
        while (true)
        {
            DrainBuffered();
            if (_socket.SafeHandle.IsClosed || (Pending == 0 && _socket.Available == 0) || time.GetElapsedTime(started) > grace)
            {
                _socket.Close();
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Connects the socket to itself. A connected UDP socket takes datagrams only from its peer, so from now on the
    /// kernel refuses new queries (ICMP port unreachable) while those already queued can still be read and answered.
    /// Without it, a query that arrived between the last look at the queue and the close was dropped unanswered.
    /// </summary>
    private void SealQueue()
    {
        try
        {
            _socket.Connect(Self());
        }
        catch (SocketException)
        {
            // Then the close does it, with the old small window.
        }
    }

    private IPEndPoint Self() => new(
        EndPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : EndPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : EndPoint.Address,
        EndPoint.Port);

    /// <summary>
    /// Each blocked receive is woken with an empty datagram to ourselves. One thread may read several wake-ups in one
    /// batch, so they are sent until every thread has ended, for up to a second each; a thread still busy after that
    /// serves its queries and stops, and the socket stays open for it until StopAsync closes it.
    /// </summary>
    private void StopReceiving()
    {
        _stopped = true;
        var wake = Self();
        using var waker = new Socket(wake.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        foreach (var thread in _threads)
        {
            for (var tries = 0; tries < 100; tries++)
            {
                waker.SendTo([], wake);
                if (thread.Join(TimeSpan.FromMilliseconds(10)))
                {
                    break;
                }
            }
        }
    }

    private void DrainBuffered()
    {
        var context = _pool.Rent();
        try
        {
            while (_socket.Available > 0)
            {
                var length = _socket.ReceiveFrom(context.Request, SocketFlags.None, context.UdpRemote);
                if (length > 0 && ServeInline(ref context, length))
                {
                    Send(context);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed under us, or an ICMP error from a client that left: nothing more to drain now.
        }
        finally
        {
            _pool.Return(context);
        }
    }

    public void Dispose() => _socket.Dispose();
}
