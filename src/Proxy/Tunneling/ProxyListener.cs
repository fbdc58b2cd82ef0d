using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.Proxy.Telemetry;
using Endpoints.Proxy.TlsToProxy;
using Microsoft.Extensions.Logging;

namespace Endpoints.Proxy.Tunneling;

/// <summary>Accepts connections for one mode; over the connection limit, refuses at once (503 for CONNECT).</summary>
internal sealed class ProxyListener : IDisposable
{
    private readonly Socket _socket;
    private readonly ListenerMode _mode;
    private readonly string _modeName;
    private readonly ConnectionHandler _handler;
    private readonly TlsToProxyBridge _bridge;
    private readonly ConnectionTracker _tracker;
    private readonly ILogger _logger;
    private readonly ConnectionDeadlines _deadlines;
    private Task _acceptLoop = Task.CompletedTask;

    public ProxyListener(
        IPEndPoint endpoint, ListenerMode mode, ConnectionHandler handler, TlsToProxyBridge bridge, ConnectionTracker tracker, ConnectionDeadlines deadlines, ILogger logger)
    {
        _bridge = bridge;
        _deadlines = deadlines;
        _socket = ListenSocket.Bind(endpoint, ProtocolType.Tcp);

        // Accepted sockets inherit TCP_NODELAY from the listener on Linux: one setsockopt per connection less.
        _socket.NoDelay = true;
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _mode = mode;
        _modeName = mode.Name();
        _handler = handler;
        _tracker = tracker;
        _logger = logger;
    }

    public IPEndPoint EndPoint { get; }

    public void Start(CancellationToken abort)
    {
        _socket.Listen(4096);
        _acceptLoop = AcceptLoopAsync(abort);
        Log.Listening(_logger, _modeName, EndPoint);
    }

    private async Task AcceptLoopAsync(CancellationToken abort)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!_tracker.TryEnter())
            {
                Log.Overloaded(_logger, _tracker.Limit, client.RemoteEndPoint?.ToString() ?? "?");
                _ = RefuseAsync(client);
                continue;
            }

            // The handler gives the slot back when the connection ends (no wrapper state machine per connection).
            _ = _mode == ListenerMode.ConnectTls ? _bridge.HandleAsync(client, abort) : _handler.HandleAsync(client, _mode, abort);
        }
    }

    private async Task RefuseAsync(Socket client)
    {
        if (_mode == ListenerMode.ConnectTls)
        {
            // No TLS spent on a refusal: the client sees the connection close.
            client.Dispose();
            return;
        }

        using var connection = new ClientConnection(client, _deadlines);
        await Refusal.SendAsync(connection, _mode, ConnectionOutcome.Overloaded, "proxy at its connection limit").ConfigureAwait(false);
    }

    /// <summary>Stops accepting; connections already open carry on.</summary>
    public async Task StopAsync()
    {
        _socket.Close();
        await _acceptLoop.ConfigureAwait(false);
    }

    public void Dispose() => _socket.Dispose();
}
