using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.Common.Networking;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;

namespace Endpoints.Proxy.Health;

/// <summary>
/// <c>GET /healthz</c>: 200 while the process works. <c>GET /readyz</c>: 200 while accepting, 503 once draining,
/// so the load balancer stops sending new connections. One request per connection.
/// </summary>
internal sealed class HealthServer : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Readiness _readiness;
    private readonly ILogger _logger;
    private Task _acceptLoop = Task.CompletedTask;

    public HealthServer(IPEndPoint endpoint, Readiness readiness, ILogger logger)
    {
        _socket = ListenSocket.Bind(endpoint, ProtocolType.Tcp);
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _readiness = readiness;
        _logger = logger;
    }

    public IPEndPoint EndPoint { get; }

    public void Start()
    {
        _socket.Listen(128);
        _acceptLoop = AcceptLoopAsync();
        Log.Listening(_logger, "health", EndPoint);
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        using (client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(RequestTimeout);
                var buffer = new byte[1024];
                var length = 0;
                while (length < buffer.Length && buffer.AsSpan(0, length).IndexOf("\r\n"u8) < 0)
                {
                    var n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }

                    length += n;
                }

                var line = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n")[0].Split(' ');
                var (status, body) = line is ["GET" or "HEAD", var path, ..] ? Route(path) : (405, "method not allowed");
                var response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : status == 503 ? "Service Unavailable" : "Error")}\r\n" +
                    $"Content-Type: text/plain\r\nContent-Length: {body.Length + 1}\r\nConnection: close\r\n\r\n{(line[0] == "HEAD" ? string.Empty : body + "\n")}";
                await client.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // A health checker that hangs up early needs no answer.
            }
        }
    }

    private (int Status, string Body) Route(string path) => path.Split('?')[0] switch
    {
        "/healthz" => (200, "ok"),
        "/readyz" => _readiness.IsReady ? (200, "ready") : (503, "draining"),
        _ => (404, "not found"),
    };

    public async Task StopAsync()
    {
        _socket.Close();
        await _acceptLoop.ConfigureAwait(false);
    }

    public void Dispose() => _socket.Dispose();
}
