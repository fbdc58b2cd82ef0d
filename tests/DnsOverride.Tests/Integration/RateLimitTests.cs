using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// Response rate limiting on the real server: a flood from one /24 is held to the rate (slip 1: every limited
/// response comes back truncated, so each query gets exactly one reply to count) while another /24 is served in full,
/// and the truncated client gets its answer over TCP.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RateLimitTests
{
    [Fact]
    public async Task AFloodFromOnePrefixIsLimitedWhileAnotherIsServed()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, settings: new Dictionary<string, string>
        {
            ["DnsOverride__RateLimit__ResponsesPerSecond"] = "5",
            ["DnsOverride__RateLimit__Slip"] = "1",
        });

        var flood = await ExchangeAsync(IPAddress.Parse("127.0.0.1"), server.Port, 200);
        var other = await ExchangeAsync(IPAddress.Parse("127.0.1.1"), server.Port, 5);

        // 5 at once, then 5 a second while the burst lasts (well under 5 s even on a busy machine).
        Assert.InRange(flood.Full, 5, 30);
        Assert.Equal(200 - flood.Full, flood.Truncated);
        Assert.Equal((5, 0), other);
        Assert.True(await server.Process.WaitForOutputAsync(
            "Rate limit: limiting responses to 127.0.0.0/24 for www.example.test. A (over 5/s)", TimeSpan.FromSeconds(10)), server.Output);
        Assert.DoesNotContain("127.0.1.0/24", server.Output, StringComparison.Ordinal);

        var overTcp = await Dig.QueryAsync(server.Port, "+tcp", "www.example.test", "A");
        Assert.Equal("NOERROR", overTcp.Status);
        Assert.NotEmpty(overTcp.Answer);
    }

    /// <summary>Sends <paramref name="count"/> queries for www.example.test A from <paramref name="source"/> at once, then reads one reply each.</summary>
    private static async Task<(int Full, int Truncated)> ExchangeAsync(IPAddress source, int port, int count)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 1 << 20;
        socket.Bind(new IPEndPoint(source, 0));
        var server = new IPEndPoint(IPAddress.Loopback, port);
        for (var i = 0; i < count; i++)
        {
            await socket.SendToAsync(DnsWire.BuildQuery("www.example.test", 1, id: (ushort)i), server);
        }

        var buffer = new byte[4096];
        int full = 0, truncated = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (var i = 0; i < count; i++)
        {
            await socket.ReceiveFromAsync(buffer, server, timeout.Token);
            var answers = (buffer[6] << 8) | buffer[7];
            if ((buffer[2] & 0x02) != 0 && answers == 0)
            {
                truncated++;
            }
            else if (answers > 0)
            {
                full++;
            }
        }

        return (full, truncated);
    }
}
