using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Endpoints.Testing;

/// <summary>Sends bytes as they are (a PROXY header, then an HTTP request) and returns what came back until close.</summary>
public static class RawHttp
{
    public static byte[] ProxyV1(string source) => Encoding.ASCII.GetBytes($"PROXY TCP4 {source} 10.0.0.1 40000 8080\r\n");

    /// <summary>A v2 LOCAL header, as an NLB or HAProxy health check sends it, with one TLV to skip.</summary>
    public static byte[] ProxyV2Local() =>
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x04, 0x04, 0x00, 0x01, 0x00];

    /// <summary>A v2 PROXY header for a TCP over IPv4 connection from 10.1.2.3.</summary>
    public static byte[] ProxyV2Proxied() =>
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C, 10, 1, 2, 3, 10, 0, 0, 1, 0x9C, 0x40, 0x1F, 0x90];

    public static Task<string> SendAsync(int port, byte[] prefix, string path) =>
        ExchangeAsync(port, [.. prefix, .. Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")]);

    /// <summary>Sends <paramref name="request"/> as it is; everything the server sent back until it closed (10 s at most).</summary>
    public static async Task<string> ExchangeAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The status line's code, or 0 when the connection closed without an answer.</summary>
    public static int StatusOf(string response) =>
        response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
}
