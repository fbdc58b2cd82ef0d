using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Tests.Tunneling;

/// <summary>The proxy sets TCP_NODELAY once, on its listeners, and counts on Linux passing it to accepted sockets.</summary>
public sealed class ListenerNoDelayTests
{
    [Fact]
    public async Task AcceptedSocketsInheritNoDelayFromTheListener()
    {
        using var listener = ListenSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0), ProtocolType.Tcp);
        listener.NoDelay = true;
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);

        using var accepted = await listener.AcceptAsync();

        Assert.True(accepted.NoDelay);
        Assert.False(client.NoDelay);
    }
}
