using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Tunneling;

/// <summary>
/// A reset on one side of a tunnel reaches the other side as a reset, never as a clean end of stream (which would
/// make a cut-off transfer look complete), and ends the tunnel at once even when the other direction is stuck
/// sending to a peer that does not read.
/// </summary>
public sealed class TunnelResetTests : IAsyncLifetime
{
    private readonly Socket _origin = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private InProcessProxy _proxy = null!;

    public Task InitializeAsync()
    {
        _origin.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _origin.Listen();
        _proxy = new InProcessProxy();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AClientResetReachesTheOriginAsAReset()
    {
        var (client, upstream) = await OpenTunnelAsync();
        using (upstream)
        {
            client.LingerState = new LingerOption(true, 0);
            client.Close();

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var error = await Assert.ThrowsAsync<SocketException>(async () => await upstream.ReceiveAsync(new byte[16], timeout.Token));
            Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
            await WaitForNoConnectionsAsync();
        }
    }

    [Fact]
    public async Task AnOriginResetEndsATunnelWhoseClientStoppedReading()
    {
        var (client, upstream) = await OpenTunnelAsync();
        using (client)
        {
            // The origin writes until nothing moves for a second: the proxy is then stuck sending to the client.
            upstream.SendTimeout = 1000;
            var chunk = new byte[64 * 1024];
            await Task.Run(() =>
            {
                try
                {
                    while (true)
                    {
                        upstream.Send(chunk);
                    }
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
                {
                }
            });
            upstream.LingerState = new LingerOption(true, 0);
            upstream.Close();

            // The proxy learns of the reset when it next sends upstream; the stuck send to the client must end too.
            await client.SendAsync("x"u8.ToArray());
            await WaitForNoConnectionsAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _origin.Dispose();
    }

    private async Task<(Socket Client, Socket Upstream)> OpenTunnelAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(IPAddress.Loopback, _proxy.Port);
        var target = ((IPEndPoint)_origin.LocalEndPoint!).Port;
        await client.SendAsync(Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:{target} HTTP/1.1\r\nHost: 127.0.0.1:{target}\r\n\r\n"));
        var upstream = await _origin.AcceptAsync();
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await client.ReceiveAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }

        Assert.StartsWith("HTTP/1.1 200", head.ToString(), StringComparison.Ordinal);
        return (client, upstream);
    }

    /// <summary>Polls: the idle timeout (15 minutes) is far beyond the wait, so only the reset can end the tunnel.</summary>
    private async Task WaitForNoConnectionsAsync()
    {
        await Eventually.TrueAsync(() => _proxy.Tracker.Open == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, _proxy.Tracker.Open);
    }
}
