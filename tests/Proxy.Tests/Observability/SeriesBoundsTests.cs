using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Observability;

/// <summary>
/// Label values are bounded: 10,000 queries for random names and types, and 1,000 connections from random PROXY
/// client addresses, add no series once every kind of answer has been seen.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SeriesBoundsTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task RandomNamesAndTypesAddNoDnsSeries()
    {
        using var zones = new TempDirectory();
        var directory = Directory.CreateDirectory(zones.File("zones")).FullName;
        File.WriteAllText(Path.Combine(directory, "s3.amazonaws.com.zone"), "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.0.0.1\n@ A 10.0.0.2\nb* A 10.0.0.2\n");
        // A real upstream, so forwarded names always end the same way; a dead one's outcomes change with its back-off.
        var upstreamZone = zones.Write("example.org.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n");
        using var upstream = await NamedProcess.StartAuthoritativeAsync([("example.org", upstreamZone)]);
        using var dns = await DnsServerProcess.StartAsync(directory, [$"127.0.0.1:{upstream.Port}"]);
        var random = new Random(11);

        await QueryAsync(dns.Port, random, 300, randomTypes: false);
        var before = await SeriesAsync(dns.HttpPort);
        await QueryAsync(dns.Port, random, 10_000, randomTypes: false);
        var after = await SeriesAsync(dns.HttpPort);

        Assert.True(after.Count <= before.Count, "new series: " + string.Join("\n", after.Except(before).Take(20)));

        // Random QTYPEs: the unknown ones share one slot, so only the known types' names can appear.
        await QueryAsync(dns.Port, random, 500, randomTypes: true);
        var types = (await SeriesAsync(dns.HttpPort)).SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l, "type=\"([^\"]*)\"")).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.DoesNotContain(types, t => t.StartsWith("TYPE", StringComparison.Ordinal) && t != "TYPE0");
        Assert.DoesNotContain(after, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"b?r[0-9a-f]{4,}\."));
    }

    [Fact]
    public async Task RandomProxyClientAddressesAddNoProxySeries()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin, ["--proxy-protocol-from", "127.0.0.1/32"]);
        var random = new Random(12);

        await ConnectAsync(proxy.ConnectPort, random, 20);
        var before = await SeriesAsync(proxy.HealthPort);
        await ConnectAsync(proxy.ConnectPort, random, 1_000);
        var after = await SeriesAsync(proxy.HealthPort);

        Assert.True(after.Count <= before.Count, "new series: " + string.Join("\n", after.Except(before).Take(20)));
    }

    /// <summary>Random names in the zone, under its wildcard and outside it (forwarded), from the same client.</summary>
    private static async Task QueryAsync(int port, Random random, int count, bool randomTypes)
    {
        using var socket = new UdpClient();
        socket.Connect(IPAddress.Loopback, port);
        for (var i = 0; i < count; i++)
        {
            var label = $"r{random.Next():x}";
            var name = (i % 3) switch
            {
                0 => $"{label}.s3.amazonaws.com",
                1 => $"b{label}.s3.amazonaws.com",
                _ => $"{label}.example.org",
            };
            ushort[] fixedTypes = [1, 28, 16, 4242, 65000];
            var type = randomTypes ? (ushort)random.Next(1, 65535) : fixedTypes[i % fixedTypes.Length];
            await socket.SendAsync(DnsWire.BuildQuery(name, type, recursionDesired: i % 2 == 0, id: (ushort)i));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ReceiveAsync(timeout.Token);
        }
    }

    /// <summary>A PROXY v2 header from a random client address, then a CONNECT the policy denies, read to its end.</summary>
    private static async Task ConnectAsync(int port, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            var header = new byte[28];
            "\r\n\r\n\0\r\nQUIT\n"u8.CopyTo(header);
            header[12] = 0x21;
            header[13] = 0x11;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 12);
            random.NextBytes(header.AsSpan(16, 4));
            new byte[] { 127, 0, 0, 1 }.CopyTo(header, 20);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(24), (ushort)random.Next(1024, 65535));
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(26), (ushort)port);
            await socket.SendAsync(header);
            await socket.SendAsync(Encoding.ASCII.GetBytes("CONNECT admin.s3.amazonaws.com:443 HTTP/1.1\r\nHost: admin.s3.amazonaws.com:443\r\n\r\n"));
            var buffer = new byte[1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
        }
    }

    /// <summary>The series of a /metrics page: every sample line's name and labels, without its value.</summary>
    private async Task<HashSet<string>> SeriesAsync(int port)
    {
        var text = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Select(l => l[..l.LastIndexOf(' ')]).Where(l => !l.StartsWith("target_info", StringComparison.Ordinal)).ToHashSet();
    }
}
