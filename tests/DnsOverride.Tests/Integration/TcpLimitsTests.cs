using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>RFC 7766's resource limits for DNS over TCP: a connection limit, idle connections and clients that never read closed.</summary>
[Trait("Category", "Integration")]
public sealed class TcpLimitsTests
{
    [Fact]
    public async Task ConnectionsOverTheLimitAreRefusedAndIdleOnesClosed()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path,
            settings: new Dictionary<string, string> { ["DnsOverride__MaxTcpConnections"] = "2", ["DnsOverride__TcpIdleTimeout"] = "00:00:01" });
        using var first = await ConnectAsync(server.Port);
        using var second = await ConnectAsync(server.Port);
        using var third = await ConnectAsync(server.Port);

        Assert.True(await IsClosedAsync(third), "the connection over the limit stayed open");
        Assert.True(await server.Process.WaitForOutputAsync(
            $"TCP connection limit 2 reached; refusing 127.0.0.1:{((IPEndPoint)third.LocalEndPoint!).Port}", TimeSpan.FromSeconds(10)), server.Output);

        // The two within the limit sent nothing: closed at the 1 s idle timeout, and then TCP serves again.
        Assert.True(await IsClosedAsync(first), "an idle connection stayed open");
        Assert.True(await IsClosedAsync(second), "an idle connection stayed open");
        Assert.True(await server.Process.WaitForOutputAsync(
            $"TCP connection from 127.0.0.1:{((IPEndPoint)first.LocalEndPoint!).Port} closed: idle timeout", TimeSpan.FromSeconds(10)), server.Output);
        var dig = await Dig.QueryAsync(server.Port, "+tcp", "www.example.test");
        Assert.Equal("NOERROR", dig.Status);
    }

    [Fact]
    public async Task ClientsThatNeverReadAreClosedAtTheWriteTimeout()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        var strings = string.Concat(Enumerable.Range(0, 80).Select(i => $"big TXT \"{i:D3}{new string('t', 245)}\"\n"));
        zones.Write("flood.test.zone", "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n" + strings);
        using var server = await DnsServerProcess.StartAsync(zones.Path, settings: new Dictionary<string, string> { ["DnsOverride__TcpIdleTimeout"] = "00:00:02" });

        // 520 clients (more than the 512 allowed) each pipeline 50 queries for a 20 KB answer and never read a byte.
        var query = DnsWire.BuildQuery("big.flood.test", 16);
        var framed = new byte[(query.Length + 2) * 50];
        for (var i = 0; i < 50; i++)
        {
            framed[i * (query.Length + 2)] = (byte)(query.Length >> 8);
            framed[(i * (query.Length + 2)) + 1] = (byte)query.Length;
            query.CopyTo(framed, (i * (query.Length + 2)) + 2);
        }

        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 520; i++)
            {
                var client = await ConnectAsync(server.Port);
                clients.Add(client);
                try
                {
                    await client.SendAsync(framed, SocketFlags.None);
                }
                catch (SocketException)
                {
                    // One of those over the limit, closed by the server already.
                }
            }

            // Each stuck writer is closed at the 2 s write timeout, and then TCP serves others again.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (await Dig.QueryAsync(server.Port, "+tcp", "+time=2", "www.example.test") is var dig && dig.Status != "NOERROR")
            {
                Assert.True(DateTime.UtcNow < deadline, "TCP still refused 60 s after clients stopped reading");
            }

            Assert.True(await server.Process.WaitForOutputAsync(
                $"TCP connection from 127.0.0.1:{((IPEndPoint)clients[0].LocalEndPoint!).Port} closed: write timeout", TimeSpan.FromSeconds(30)), server.Output);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>Whether the server closed the connection (an orderly close or a reset) within 10 s.</summary>
    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
