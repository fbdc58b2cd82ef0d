using System.Net;
using System.Net.Sockets;

namespace Endpoints.Common.Networking;

/// <summary>
/// Every listening socket of both services, bound the same way: exclusively, so a second instance started on the
/// same port fails instead of taking half the traffic; IPv6 sockets only for IPv6.
/// </summary>
public static class ListenSocket
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Binds a TCP or UDP socket; a taken or unusable endpoint throws <see cref="ListenException"/> naming it.</summary>
    public static Socket Bind(IPEndPoint endpoint, ProtocolType protocol)
    {
        var socket = new Socket(endpoint.AddressFamily, protocol == ProtocolType.Tcp ? SocketType.Stream : SocketType.Dgram, protocol);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            // .NET's ReuseAddress also sets SO_REUSEPORT on Linux, which lets another process bind the same port and
            // share its connections. SO_REUSEADDR alone only lets a restart bind over connections in TIME_WAIT.
            if (protocol == ProtocolType.Tcp && OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            }

            socket.Bind(endpoint);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ListenException(endpoint, protocol, ex);
        }
    }
}
