using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Endpoints.Proxy.Tests.Tunneling;

/// <summary>Real ClientHello bytes: what .NET's TLS client sends first, captured on a loopback socket.</summary>
public static class ClientHelloCapture
{
    public static async Task<byte[]> CaptureAsync(string targetHost, int alpnCount = 0)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        using var tls = new SslStream(client.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = [.. Enumerable.Range(0, alpnCount).Select(i => new SslApplicationProtocol($"proto-{i:D3}-{new string('p', 200)}")), SslApplicationProtocol.Http11],
        };
        using var cancel = new CancellationTokenSource();
        var handshake = tls.AuthenticateAsClientAsync(options, cancel.Token);
        var captured = new List<byte>();
        var buffer = new byte[65536];
        var stream = server.GetStream();
        while (true)
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var n = await stream.ReadAsync(buffer, quiet.Token);
                if (n == 0)
                {
                    break;
                }

                captured.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await cancel.CancelAsync();
        server.Close();
        try
        {
            await handshake;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Security.Authentication.AuthenticationException)
        {
        }

        return [.. captured];
    }

    /// <summary>The same handshake bytes cut into TLS records of at most <paramref name="size"/> bytes.</summary>
    public static byte[] Reframe(byte[] records, int size)
    {
        var handshake = records.AsSpan(5, (records[3] << 8) | records[4]).ToArray();
        var output = new List<byte>();
        for (var offset = 0; offset < handshake.Length; offset += size)
        {
            var chunk = handshake.AsSpan(offset, Math.Min(size, handshake.Length - offset));
            output.AddRange([22, 3, 1, (byte)(chunk.Length >> 8), (byte)chunk.Length]);
            output.AddRange(chunk.ToArray());
        }

        return [.. output];
    }
}
