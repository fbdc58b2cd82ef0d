using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.DnsOverride.Tests.Transfers;
using Endpoints.DnsOverride.Tsig;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Tsig;

/// <summary>
/// Signed requests bent on the wire, sent to the real server: truncated MACs (RFC 8945 5.2.2.1), clock skew and a
/// request that names a wider fudge than ours, a replayed request, AXFR over UDP (against BIND), and a large transfer
/// cut off by its client, whose connection slot must come back.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TsigAbuseTests : IAsyncLifetime
{
    private static readonly TsigKey Key = new(DnsName.Parse(TransferTests.KeyName + "."), TsigAlgorithm.HmacSha256, Convert.FromBase64String(TransferTests.Secret));

    private readonly TempDirectory _zones = new();
    private readonly TempDirectory _keys = new();
    private DnsServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        TestZones.CopyAll(_zones);
        _server = await DnsServerProcess.StartAsync(_zones.Path, extra: ["--allow-transfer", "127.0.0.1/32", "--tsig-keys", TransferTests.KeyFile(_keys)]);
    }

    /// <summary>A MAC may be cut to half the hash (16 bytes for SHA-256), not below.</summary>
    [Theory]
    [InlineData(32, ResponseCode.NoError)]
    [InlineData(16, ResponseCode.NoError)]
    [InlineData(15, ResponseCode.NotAuth)]
    [InlineData(10, ResponseCode.NotAuth)]
    public async Task ATruncatedMacIsAcceptedDownToHalfTheHash(int macLength, int rcode)
    {
        var response = await ExchangeAsync(Truncate(Signed(Now(), fudge: TsigSigner.Fudge), macLength));

        Assert.Equal(rcode, response[3] & 0x0F);
    }

    [Theory]
    [InlineData(0, TsigSigner.Fudge, ResponseCode.NoError)]
    [InlineData(299, TsigSigner.Fudge, ResponseCode.NoError)]
    [InlineData(-301, TsigSigner.Fudge, ResponseCode.NotAuth)]
    [InlineData(1000, ushort.MaxValue, ResponseCode.NotAuth)]
    public async Task OnlyOurFudgeBoundsTheClockSkew(long skew, ushort fudge, int rcode)
    {
        var response = await ExchangeAsync(Signed(Now() + skew, fudge));

        Assert.Equal(rcode, response[3] & 0x0F);
    }

    [Fact]
    public async Task AReplayedSignedRequestIsRefused()
    {
        var request = Signed(Now(), TsigSigner.Fudge);

        var first = await ExchangeAsync(request);
        var again = await ExchangeAsync(request);

        Assert.Equal(ResponseCode.NoError, first[3] & 0x0F);
        Assert.Equal(ResponseCode.NotAuth, again[3] & 0x0F);
        Assert.True(await _server.Process.WaitForMatchAsync(@"s3\.amazonaws\.com\. SOA udp decision=tsig-replay rcode=NOTAUTH", TimeSpan.FromSeconds(5)), _server.Output);
    }

    /// <summary>A transfer is TCP only (RFC 5936 4.2): over UDP we answer as BIND does.</summary>
    [Fact]
    public async Task AxfrOverUdpIsAnsweredAsBindAnswersIt()
    {
        using var plain = new TempDirectory();
        var zones = TestZones.CopyAll(plain);
        using var named = await NamedProcess.StartAuthoritativeAsync(zones, "allow-transfer { 127.0.0.1; };");
        using var ours = await DnsServerProcess.StartAsync(plain.Path, extra: ["--allow-transfer", "127.0.0.1/32"]);

        var query = DnsWire.BuildQuery("s3.amazonaws.com", RecordType.AXFR, ednsPayload: null);

        // dig always moves a transfer to TCP: the query goes as bytes.
        var reference = await ExchangeAsync(named.Port, query);
        var answer = await ExchangeAsync(ours.Port, query);

        Assert.Equal(reference[3] & 0x0F, answer[3] & 0x0F);
        Assert.NotEqual(ResponseCode.NoError, answer[3] & 0x0F);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(6)));
    }

    /// <summary>Clients that leave in the middle of a large transfer give back their connection slots.</summary>
    [Fact]
    public async Task AnInterruptedLargeTransferFreesItsSlot()
    {
        using var zones = new TempDirectory();
        zones.Write("large.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n" +
            string.Concat(Enumerable.Range(0, 50_000).Select(i => $"host{i} A 10.1.{i / 250}.{i % 250}\n")));
        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--allow-transfer", "127.0.0.1/32"],
            settings: new Dictionary<string, string> { ["DnsOverride__MaxTcpConnections"] = "2" });

        var query = DnsWire.BuildQuery("large.test", RecordType.AXFR, ednsPayload: null);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        for (var i = 0; i < 6; i++)
        {
            using var client = await StartTransferAsync(server.Port, framed);
            client.Client.LingerState = new LingerOption(true, 0);
        }

        var dig = await Dig.QueryAsync(server.Port, "+tcp", "large.test", "SOA");
        Assert.Equal("NOERROR", dig.Status);
    }

    /// <summary>
    /// A transfer that has begun. The server frees a left client's slot when its next send fails, which on a busy machine
    /// can come after the next client's connect; that one is refused with a reset, so this polls until a slot is free.
    /// Slots that are never given back leave every attempt refused, and the deadline fails the test.
    /// </summary>
    private static async Task<TcpClient> StartTransferAsync(int port, byte[] framed)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                await client.GetStream().WriteAsync(framed);
                if (await client.GetStream().ReadAsync(new byte[4096]) > 0)
                {
                    return client;
                }
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Refused at the limit: a slot is still being freed.
            }

            client.Dispose();
            Assert.True(DateTime.UtcNow < deadline, "no TCP slot came free within 10 s");
            await Task.Delay(20);
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>An SOA query for s3.amazonaws.com signed at <paramref name="time"/>, naming <paramref name="fudge"/>.</summary>
    private static byte[] Signed(long time, ushort fudge)
    {
        var query = DnsWire.BuildQuery("s3.amazonaws.com", RecordType.SOA, ednsPayload: null, id: (ushort)Random.Shared.Next(65536));
        var buffer = new byte[512];
        query.CopyTo(buffer, 0);
        var length = TsigSigner.Sign(buffer, query.Length, Key, [], timersOnly: false, time, TsigStatus.Valid, [], out _);
        var fudgeAt = query.Length + Key.Name.WireLength + 10 + Key.Algorithm.WireName.WireLength + 6;
        if (fudge != TsigSigner.Fudge)
        {
            var mac = TsigSigner.Mac(Key, [], buffer.AsSpan(0, query.Length), BinaryPrimitives.ReadUInt16BigEndian(buffer), 0, false, time, fudge, 0, []);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(fudgeAt), fudge);
            mac.CopyTo(buffer, fudgeAt + 4);
        }

        return buffer[..length];
    }

    /// <summary>The same request with its MAC cut to <paramref name="length"/> bytes and the lengths fixed.</summary>
    private static byte[] Truncate(byte[] signed, int length)
    {
        var rdLengthAt = signed.Length - (Key.Algorithm.WireName.WireLength + 10 + Key.Algorithm.MacLength + 6) - 2;
        var macSizeAt = rdLengthAt + 2 + Key.Algorithm.WireName.WireLength + 8;
        var cut = Key.Algorithm.MacLength - length;
        var truncated = signed[..(macSizeAt + 2 + length)].Concat(signed[(macSizeAt + 2 + Key.Algorithm.MacLength)..]).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(truncated.AsSpan(macSizeAt), (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(truncated.AsSpan(rdLengthAt), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(rdLengthAt)) - cut));
        return truncated;
    }

    private Task<byte[]> ExchangeAsync(byte[] request) => ExchangeAsync(_server.Port, request);

    private static async Task<byte[]> ExchangeAsync(int port, byte[] request)
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await client.SendAsync(request, new IPEndPoint(IPAddress.Loopback, port));
        var received = await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return received.Buffer;
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _zones.Dispose();
        _keys.Dispose();
        return Task.CompletedTask;
    }
}
