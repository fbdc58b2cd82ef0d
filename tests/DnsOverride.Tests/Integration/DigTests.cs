using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>The real server on loopback, asked by the real dig.</summary>
[Trait("Category", "Integration")]
public sealed class DigTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private int Port => fixture.Port;

    [Fact]
    public async Task AnswersBucketNamesFromTheShippedZones()
    {
        var dig = await Dig.QueryAsync(Port, "mybucket.s3.amazonaws.com", "A");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Contains("aa", dig.Flags);
        Assert.Equal(
            ["mybucket.s3.amazonaws.com. 60 IN A 10.200.0.10", "mybucket.s3.amazonaws.com. 60 IN A 10.200.1.10"],
            dig.Answer.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnswersOverTcpWithTheQuestionCaseKept()
    {
        var dig = await Dig.QueryAsync(Port, "+tcp", "MyBucket.S3.us-EAST-1.amazonaws.com", "A");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Equal([";MyBucket.S3.us-EAST-1.amazonaws.com. IN A"], dig.Question);
        Assert.Equal(2, dig.Answer.Count);
    }

    [Fact]
    public async Task AaaaForANameWithOnlyAIsNoData()
    {
        var dig = await Dig.QueryAsync(Port, "123456789012.ddb.us-east-1.amazonaws.com", "AAAA");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Empty(dig.Answer);
        Assert.StartsWith("ddb.us-east-1.amazonaws.com. 60 IN SOA", Assert.Single(dig.Authority), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatesOverUdpThenDigRetriesOverTcp()
    {
        var truncated = await Dig.QueryAsync(Port, "+ignore", "+bufsize=1232", "t.big.test", "TXT");
        var retried = await Dig.QueryAsync(Port, "t.big.test", "TXT");

        Assert.Contains("tc", truncated.Flags);
        Assert.Empty(truncated.Answer);
        Assert.Equal(40, retried.Answer.Count);
        Assert.Contains("(TCP)", retried.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EdnsVersionOneGetsBadVers()
    {
        var dig = await Dig.QueryAsync(Port, "+edns=1", "+noednsnegotiation", "www.example.test");

        Assert.Equal("BADVERS", dig.Status);
    }

    [Fact]
    public async Task UnknownOpcodeGetsNotImp()
    {
        var dig = await Dig.QueryAsync(Port, "+opcode=5", "www.example.test");

        Assert.Equal("NOTIMP", dig.Status);
    }

    [Fact]
    public async Task AnyGetsOneRRset()
    {
        var dig = await Dig.QueryAsync(Port, "example.test", "ANY");

        Assert.Equal("NOERROR", dig.Status);
        Assert.Single(dig.Answer.Select(a => a.Split(' ')[3]).Distinct());
    }

    [Fact]
    public async Task MalformedPacketsNeverStopTheServer()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var server = new IPEndPoint(IPAddress.Loopback, Port);
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(0, 600)];
            random.NextBytes(garbage);
            await socket.SendToAsync(garbage, server);
        }

        var twoQuestions = DnsWire.BuildQuery("www.example.test", 1);
        twoQuestions[5] = 2;
        var formErr = await DnsWire.ExchangeUdpAsync(Port, twoQuestions);
        var dig = await Dig.QueryAsync(Port, "www.example.test");

        Assert.NotNull(formErr);
        Assert.Equal(1, formErr[3] & 0xF);
        Assert.Equal("NOERROR", dig.Status);
        Assert.False(fixture.Server.Process.HasExited);
    }

    [Fact]
    public async Task ResponsesAreNeverAnswered()
    {
        var response = DnsWire.BuildQuery("www.example.test", 1);
        response[2] |= 0x80;

        var answer = await DnsWire.ExchangeUdpAsync(Port, response, TimeSpan.FromSeconds(1.5));

        Assert.Null(answer);
    }

    [Fact]
    public async Task AnswersSeveralQueriesOnOneTcpConnection()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        string[] names = ["www.example.test", "mail.example.test", "nothere.example.test"];
        foreach (var name in names)
        {
            var query = DnsWire.BuildQuery(name, 1);
            await stream.WriteAsync((byte[])[(byte)(query.Length >> 8), (byte)query.Length, .. query]);
        }

        var rcodes = new List<int>();
        foreach (var _ in names)
        {
            var prefix = new byte[2];
            await stream.ReadExactlyAsync(prefix);
            var message = new byte[(prefix[0] << 8) | prefix[1]];
            await stream.ReadExactlyAsync(message);
            rcodes.Add(message[3] & 0xF);
        }

        Assert.Equal([0, 0, 3], rcodes);
    }

    [Fact]
    public async Task AStalledTcpClientDoesNotBlockOthers()
    {
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, Port);
        await stalled.GetStream().WriteAsync((byte[])[0, 40, 0x12]);

        var udp = await Dig.QueryAsync(Port, "www.example.test");
        var tcp = await Dig.QueryAsync(Port, "+tcp", "www.example.test");

        Assert.Equal("NOERROR", udp.Status);
        Assert.Equal("NOERROR", tcp.Status);
    }

    [Fact]
    public async Task RefusesZoneTransfers()
    {
        var dig = await Dig.QueryAsync(Port, "example.test", "AXFR");

        Assert.Contains("Transfer failed", dig.Output, StringComparison.Ordinal);
    }
}
