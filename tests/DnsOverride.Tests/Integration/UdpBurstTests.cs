using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>The real server given a burst of UDP queries at once, as a busy resolver sends them: each is answered once.</summary>
[Trait("Category", "Integration")]
public sealed class UdpBurstTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public void EveryQueryOfABurstIsAnsweredOnceWithItsOwnId()
    {
        const int Queries = 300;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20, ReceiveTimeout = 10_000 };
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, fixture.Port);
        for (var id = 1; id <= Queries; id++)
        {
            client.SendTo(DnsWire.BuildQuery($"bucket-{id}.s3.amazonaws.com", 1, id: (ushort)id), server);
        }

        var ids = new List<int>();
        var buffer = new byte[1232];
        while (ids.Count < Queries)
        {
            var length = client.Receive(buffer);
            var answer = DnsWire.Parse(buffer[..length]);
            Assert.Equal($"bucket-{answer.TransactionID}.s3.amazonaws.com.", answer.Questions.Single().Name.ToString());
            Assert.Equal(2, answer.AnswerRecords.Count);
            ids.Add(answer.TransactionID);
        }

        Assert.Equal(Enumerable.Range(1, Queries), ids.Order());
        Assert.Equal(0, client.Available);
    }
}
