using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>
/// The "VPC endpoint" side on loopback: an HTTPS and an HTTP server that answer with the Host they were asked
/// for, and a raw server that reads to end of stream and then reports how much it got (for half-close).
/// </summary>
public sealed class OriginServer : IDisposable
{
    private readonly TcpListener _tls = new(IPAddress.Loopback, 0);
    private readonly TcpListener _http = new(IPAddress.Loopback, 0);
    private readonly TcpListener _raw = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private int _connections;

    public OriginServer(X509Certificate2 certificate)
    {
        _certificate = certificate;
        foreach (var listener in new[] { _tls, _http, _raw })
        {
            listener.Start();
        }

        _ = AcceptAsync(_tls, ServeHttpAsync, tls: true);
        _ = AcceptAsync(_http, ServeHttpAsync, tls: false);
        _ = AcceptAsync(_raw, ServeRawAsync, tls: false);
    }

    public int TlsPort => ((IPEndPoint)_tls.LocalEndpoint).Port;

    public int HttpPort => ((IPEndPoint)_http.LocalEndpoint).Port;

    public int RawPort => ((IPEndPoint)_raw.LocalEndpoint).Port;

    /// <summary>Connections accepted so far, on any port: a refused request must not move it.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync(TcpListener listener, Func<Stream, Task> serve, bool tls)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        Stream stream = client.GetStream();
                        if (tls)
                        {
                            var ssl = new SslStream(stream);
                            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate });
                            stream = ssl;
                        }

                        await serve(stream);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
                    {
                    }
                }
            });
        }
    }

    private static async Task ServeHttpAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var lines = head.ToString().Split("\r\n");
        var host = lines.FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim() ?? "?";
        var size = lines[0].Contains("/big", StringComparison.Ordinal) ? 8 << 20 : 0;
        var connection = lines.FirstOrDefault(l => l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase))?[11..].Trim() ?? "-";
        var credentials = lines.Any(l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase)) ? "yes" : "no";
        var body = $"origin host={host} path={lines[0].Split(' ')[1]} connection={connection} proxy-authorization={credentials}\n";
        var header = $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length + size}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header));
        var chunk = new byte[65536];
        for (var sent = 0; sent < size; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk);
        }

        await stream.FlushAsync();
    }

    private static async Task ServeRawAsync(Stream stream)
    {
        var total = 0L;
        var buffer = new byte[65536];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            total += n;
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes($"got {total} bytes\n"));
    }

    public void Dispose()
    {
        _tls.Stop();
        _http.Stop();
        _raw.Stop();
    }
}
