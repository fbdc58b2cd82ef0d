using System.Net;
using System.Net.Sockets;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>
/// A server that answers the first ClientHello of each connection with a TLS 1.3 HelloRetryRequest, then records
/// every byte that reaches it afterwards until the stream ends: what a second ClientHello would be judged on.
/// </summary>
public sealed class HelloRetryOrigin : IDisposable
{
    /// <summary>A ServerHello carrying RFC 8446's HelloRetryRequest random, TLS 1.3 in supported_versions.</summary>
    public static readonly byte[] HelloRetryRequest =
    [
        22, 3, 3, 0, 50, 2, 0, 0, 46, 3, 3,
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
        0, 0x13, 0x01, 0, 0, 6, 0, 0x2B, 0, 2, 3, 4,
    ];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _firstHelloLength;
    private readonly TaskCompletionSource<byte[]> _afterRetry = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary><paramref name="firstHelloLength"/>: the bytes of the first ClientHello, which the origin reads before it answers.</summary>
    public HelloRetryOrigin(int firstHelloLength)
    {
        _firstHelloLength = firstHelloLength;
        _listener.Start();
        _ = ServeOneAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>What came after the first ClientHello, once the proxy closed the connection.</summary>
    public Task<byte[]> AfterRetry => _afterRetry.Task.WaitAsync(TimeSpan.FromSeconds(30));

    private async Task ServeOneAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.ReadExactlyAsync(new byte[_firstHelloLength]);
            await stream.WriteAsync(HelloRetryRequest);
            using var rest = new MemoryStream();
            try
            {
                await stream.CopyToAsync(rest);
            }
            catch (IOException)
            {
                // A refusal closes the upstream side at once, which can come as a reset: what arrived before it counts.
            }

            _afterRetry.TrySetResult(rest.ToArray());
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _afterRetry.TrySetException(ex);
        }
    }

    public void Dispose() => _listener.Stop();
}
