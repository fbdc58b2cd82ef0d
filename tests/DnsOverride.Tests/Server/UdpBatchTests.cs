using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Server;

namespace Endpoints.DnsOverride.Tests.Server;

/// <summary>recvmmsg and sendmmsg on real loopback sockets: what is queued is read at once, each answer goes to its sender.</summary>
public sealed class UdpBatchTests : IDisposable
{
    private readonly Socket _server = Bound();
    private readonly Socket _alice = Bound();
    private readonly Socket _bob = Bound();

    [Fact]
    public void ReadsEveryQueuedDatagramAndAnswersEachSenderInOneCall()
    {
        for (byte i = 0; i < 10; i++)
        {
            _alice.SendTo([1, i], _server.LocalEndPoint!);
            _bob.SendTo([2, i], _server.LocalEndPoint!);
        }

        using var batch = new UdpBatch(64, 64);
        Assert.Equal(20, batch.Receive(_server));
        for (var i = 0; i < 20; i++)
        {
            var context = Context();
            Assert.Equal(2, batch.CopyTo(i, context));
            Answer(context, 0xAA);
            batch.Queue(context);
        }

        batch.Send(_server);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"AA-01-{i:X2}"), Received(_alice, 10));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"AA-02-{i:X2}"), Received(_bob, 10));
    }

    [Fact]
    public void TakesAtMostItsCapacityAndTheRestOnTheNextCall()
    {
        for (var i = 0; i < UdpBatch.Capacity + 8; i++)
        {
            _alice.SendTo([(byte)i], _server.LocalEndPoint!);
        }

        using var batch = new UdpBatch(64, 64);
        Assert.Equal(UdpBatch.Capacity, batch.Receive(_server));
        Assert.Equal(8, batch.Receive(_server));
        var context = Context();
        Assert.Equal(1, batch.CopyTo(7, context));
        Assert.Equal(UdpBatch.Capacity + 7, context.Request[0]);
    }

    [Fact]
    public void ADatagramLargerThanTheRequestSizeIsDroppedAndItsNeighboursRead()
    {
        _alice.SendTo([1], _server.LocalEndPoint!);
        _alice.SendTo(new byte[100], _server.LocalEndPoint!);
        _alice.SendTo([3], _server.LocalEndPoint!);

        using var batch = new UdpBatch(64, 64);
        Assert.Equal(3, batch.Receive(_server));
        var context = Context();
        Assert.Equal(1, batch.CopyTo(0, context));
        Assert.Equal(-1, batch.CopyTo(1, context));
        Assert.Equal(1, batch.CopyTo(2, context));
        Assert.Equal(3, context.Request[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void AnAnswerTheKernelRefusesIsSkippedAndTheOthersSent(int refused)
    {
        _alice.SendTo([1, 0], _server.LocalEndPoint!);
        _alice.SendTo([1, 1], _server.LocalEndPoint!);
        using var batch = new UdpBatch(64, 64);
        Assert.Equal(2, batch.Receive(_server));
        for (var i = 0; i < 2; i++)
        {
            var context = Context();
            batch.CopyTo(i, context);
            Answer(context, 0xBB);
            if (i == refused)
            {
                // An IPv6 destination on an IPv4 socket: sendmmsg fails that message (EAFNOSUPPORT).
                var v6 = new IPEndPoint(IPAddress.IPv6Loopback, 53).Serialize();
                v6.Buffer.Span.CopyTo(context.UdpRemote.Buffer.Span);
                context.UdpRemote.Size = v6.Size;
            }

            batch.Queue(context);
        }

        batch.Send(_server);
        Assert.Equal([$"BB-01-{1 - refused:X2}"], Received(_alice, 1));
        Assert.Equal(0, _alice.Available);
    }

    public void Dispose()
    {
        _server.Dispose();
        _alice.Dispose();
        _bob.Dispose();
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static QueryContext Context() => new(64, 64) { UdpRemote = new SocketAddress(AddressFamily.InterNetworkV6) };

    private static void Answer(QueryContext context, byte marker)
    {
        context.Response[0] = marker;
        context.Request.AsSpan(0, 2).CopyTo(context.Response.AsSpan(1));
        context.ResponseLength = 3;
    }

    private static List<string> Received(Socket socket, int count)
    {
        var buffer = new byte[64];
        return Enumerable.Range(0, count).Select(_ => Convert.ToHexString(buffer, 0, socket.Receive(buffer)))
            .Select(hex => string.Join('-', hex.Chunk(2).Select(pair => new string(pair)))).ToList();
    }
}
