using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>RFC 7766's resource limits for DNS over TCP: a connection limit, and idle connections closed.</summary>
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
