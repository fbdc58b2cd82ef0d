using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>Every CONNECT status docs/proxy.md promises, each caused for real, and the tunnel idle timeout.</summary>
[Trait("Category", "Integration")]
public sealed class ConnectStatusTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task AnotherMethodGets405()
    {
        var status = await FirstLineAsync(fixture.Proxy.ConnectPort, "GET http://mybucket.s3.amazonaws.com/ HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\n\r\n");

        Assert.Equal("HTTP/1.1 405 Method Not Allowed", status);
    }

    [Fact]
    public async Task AHeadOver68KiBGets431()
    {
        var filler = string.Concat(Enumerable.Repeat("X-Filler: " + new string('a', 100) + "\r\n", 630));

        var status = await FirstLineAsync(fixture.Proxy.ConnectPort, "CONNECT mybucket.s3.amazonaws.com:443 HTTP/1.1\r\n" + filler);

        Assert.Equal("HTTP/1.1 431 Request Header Fields Too Large", status);
    }

    [Fact]
    public async Task AMalformedTargetGets400()
    {
        var status = await FirstLineAsync(fixture.Proxy.ConnectPort, "CONNECT no-port-here HTTP/1.1\r\n\r\n");

        Assert.Equal("HTTP/1.1 400 Bad Request", status);
    }

    [Fact]
    public async Task ARefusedConnectionGets502()
    {
        var status = await FirstLineAsync(fixture.Proxy.ConnectPort, $"CONNECT refused.s3.amazonaws.com:{fixture.ClosedPort} HTTP/1.1\r\n\r\n");

        Assert.Equal("HTTP/1.1 502 Bad Gateway", status);
        Assert.True(await fixture.Proxy.Process.WaitForOutputAsync(
            $"dest=refused.s3.amazonaws.com:{fixture.ClosedPort} decision=allow rule=corp-to-aws reason=\"127.0.0.1: ConnectionRefused\"", TimeSpan.FromSeconds(10)),
            fixture.Proxy.Output);
    }

    [Fact]
    public async Task ASilentResolverGets504AndTheConnectionLimitGets503()
    {
        using var silentResolver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var resolverPort = ((IPEndPoint)silentResolver.Client.LocalEndPoint!).Port;
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, resolverPort, fixture.Origin,
            settings: new Dictionary<string, string> { ["Proxy__ConnectTimeout"] = "00:00:01", ["Proxy__MaxConnections"] = "1" });

        // The first connection waits on the resolver; while it holds the only slot, a second is refused at once.
        using var waiting = new TcpClient();
        await waiting.ConnectAsync(IPAddress.Loopback, proxy.ConnectPort);
        await waiting.GetStream().WriteAsync(Encoding.ASCII.GetBytes("CONNECT slow.s3.amazonaws.com:443 HTTP/1.1\r\n\r\n"));
        var overLimit = await FirstLineAsync(proxy.ConnectPort, "CONNECT other.s3.amazonaws.com:443 HTTP/1.1\r\n\r\n");
        var timedOut = await ReadFirstLineAsync(waiting);

        Assert.Equal("HTTP/1.1 503 Service Unavailable", overLimit);
        Assert.Equal("HTTP/1.1 504 Gateway Timeout", timedOut);
        Assert.True(await proxy.Process.WaitForOutputAsync("dest=slow.s3.amazonaws.com:443 decision=allow", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.Contains("end=connect timeout", proxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneSourceAtItsLimitGets503WhileAnotherGetsThrough()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin,
            settings: new Dictionary<string, string> { ["Proxy__MaxConnectionsPerSource"] = "2" });
        using var first = await ConnectFromAsync("127.0.0.2", proxy.ConnectPort);
        using var second = await ConnectFromAsync("127.0.0.2", proxy.ConnectPort);
        using var third = await ConnectFromAsync("127.0.0.2", proxy.ConnectPort);
        using var other = await ConnectFromAsync("127.0.0.3", proxy.ConnectPort);

        await other.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"CONNECT raw.s3.amazonaws.com:{fixture.Origin.RawPort} HTTP/1.1\r\n\r\n"));

        Assert.Equal("HTTP/1.1 503 Service Unavailable", await ReadFirstLineAsync(third));
        Assert.Equal("HTTP/1.1 200 Connection established", await ReadFirstLineAsync(other));
        Assert.True(await proxy.Process.WaitForOutputAsync(
            $"client=127.0.0.2:{((IPEndPoint)third.Client.LocalEndPoint!).Port} mode=connect dest=- decision=error", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.Contains("127.0.0.2 already has 2 connections open", proxy.Output, StringComparison.Ordinal);
    }

    /// <summary>A denied bucket cannot be reached by CONNECTing to an allowed one on the same addresses.</summary>
    [Theory]
    [InlineData("admin.s3.amazonaws.com", false)]
    [InlineData("MyBucket.S3.AmazonAWS.com", true)]
    [InlineData("other.s3.amazonaws.com", true)]
    public async Task TheNameInsideATunnelMustBeAllowed(string serverName, bool relayed)
    {
        var hello = await Tunneling.ClientHelloCapture.CaptureAsync(serverName);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Proxy.ConnectPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT mybucket.s3.amazonaws.com:{fixture.Origin.RawPort} HTTP/1.1\r\n\r\n"));
        Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\n", Encoding.ASCII.GetString(await ReadExactlyAsync(stream, 39)));

        await stream.WriteAsync(hello);
        client.Client.Shutdown(SocketShutdown.Send);
        var answer = await ReadToEndAsync(stream);

        if (relayed)
        {
            Assert.Equal($"got {hello.Length} bytes\n", Encoding.ASCII.GetString(answer));
        }
        else
        {
            Assert.Equal(new byte[] { 0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 49 }, answer);
            Assert.True(await fixture.Proxy.Process.WaitForOutputAsync(
                $"client=127.0.0.1:{((IPEndPoint)client.Client.LocalEndPoint!).Port} mode=connect dest=mybucket.s3.amazonaws.com:{fixture.Origin.RawPort}", TimeSpan.FromSeconds(10)),
                fixture.Proxy.Output);
            Assert.Matches(
                $@"client=127\.0\.0\.1:{((IPEndPoint)client.Client.LocalEndPoint!).Port} .* decision=deny rule=no-admin-bucket reason=""SNI 'admin\.s3\.amazonaws\.com' in a tunnel to mybucket\.s3\.amazonaws\.com: denied by rule"" .* end=sni-mismatch",
                fixture.Proxy.Output);
        }
    }

    [Fact]
    public async Task AClientHelloSentWithTheConnectHeadIsCheckedToo()
    {
        var hello = await Tunneling.ClientHelloCapture.CaptureAsync("admin.s3.amazonaws.com");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Proxy.ConnectPort);
        var stream = client.GetStream();

        byte[] request = [.. Encoding.ASCII.GetBytes($"CONNECT mybucket.s3.amazonaws.com:{fixture.Origin.RawPort} HTTP/1.1\r\n\r\n"), .. hello];
        await stream.WriteAsync(request);
        client.Client.Shutdown(SocketShutdown.Send);
        var answer = await ReadToEndAsync(stream);

        Assert.Equal([.. "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), 0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 49], answer);
    }

    /// <summary>The SNI check waits for the client only while the upstream is silent: a server that speaks first is relayed at once.</summary>
    [Fact]
    public async Task AServerThatSpeaksFirstIsNotHeldBackByTheSniCheck()
    {
        using var greeter = new TcpListener(IPAddress.Loopback, 0);
        greeter.Start();
        var greeterPort = ((IPEndPoint)greeter.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            using var accepted = await greeter.AcceptTcpClientAsync();
            await accepted.GetStream().WriteAsync("SSH-2.0-greeter\r\n"u8.ToArray());
            _ = await accepted.GetStream().ReadAsync(new byte[1]); // held open until the client leaves
        });
        using var directory = new TempDirectory();
        var policy = ProxyFixture.WritePolicy(directory, fixture.Origin, greeterPort);
        using var proxy = await ProxyProcess.StartAsync(policy, fixture.Resolver.Port, fixture.Origin,
            settings: new Dictionary<string, string> { ["Proxy__HandshakeTimeout"] = "00:00:30" });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.ConnectPort);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"CONNECT greeter.s3.amazonaws.com:{greeterPort} HTTP/1.1\r\n\r\n"));

        // Well within the 30 s the check would otherwise wait for the client.
        var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        Assert.Equal("HTTP/1.1 200 Connection established", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("SSH-2.0-greeter", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AnIdleTunnelIsClosedAfterTheIdleTimeout()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin,
            settings: new Dictionary<string, string> { ["Proxy__IdleTimeout"] = "00:00:01" });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.ConnectPort);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"CONNECT raw.s3.amazonaws.com:{fixture.Origin.RawPort} HTTP/1.1\r\n\r\n"));
        Assert.Equal("HTTP/1.1 200 Connection established", await ReadFirstLineAsync(client));

        var read = await client.GetStream().ReadAsync(new byte[64]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, read);
        Assert.True(await proxy.Process.WaitForOutputAsync("end=idle timeout", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    [Fact]
    public async Task TheVpcEndpointIdFromAwsTlvIsLogged()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin, ["--proxy-protocol-from", "127.0.0.1/32"]);
        byte[] tlv = [0xEA, 0x00, 13, 0x01, .. "vpce-0test42"u8.ToArray()];
        byte[] header =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, (byte)(12 + tlv.Length),
            10, 9, 8, 7, 127, 0, 0, 1, 0x1F, 0x90, 0x01, 0xBB, .. tlv,
        ];

        var status = await FirstLineAsync(proxy.ConnectPort, "CONNECT www.example.org:443 HTTP/1.1\r\n\r\n", prefix: header);

        Assert.Equal("HTTP/1.1 403 Forbidden", status);
        Assert.True(await proxy.Process.WaitForOutputAsync(
            "client=10.9.8.7:8080 mode=connect dest=www.example.org:443 decision=deny", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.Contains("vpce=vpce-0test42", proxy.Output, StringComparison.Ordinal);
    }

    internal static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return buffer;
    }

    internal static async Task<byte[]> ReadToEndAsync(NetworkStream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(TimeSpan.FromSeconds(30));
        return all.ToArray();
    }

    /// <summary>A connection from another loopback address, as a second client host would be.</summary>
    private static async Task<TcpClient> ConnectFromAsync(string source, int port)
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    private static async Task<string?> FirstLineAsync(int port, string request, byte[]? prefix = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.GetStream().WriteAsync(prefix ?? []);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
        return await ReadFirstLineAsync(client);
    }

    private static async Task<string?> ReadFirstLineAsync(TcpClient client)
    {
        var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
