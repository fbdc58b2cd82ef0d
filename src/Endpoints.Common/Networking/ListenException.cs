using System.Net;
using System.Net.Sockets;

namespace Endpoints.Common.Networking;

/// <summary>A listening endpoint that cannot be bound; the message names it (exit code 1 at start).</summary>
public sealed class ListenException(IPEndPoint endpoint, ProtocolType protocol, SocketException inner)
    : IOException($"cannot listen on {(protocol == ProtocolType.Tcp ? "tcp" : "udp")} {endpoint}: {inner.Message}", inner)
{
    public IPEndPoint EndPoint { get; } = endpoint;

    public SocketError Error { get; } = inner.SocketErrorCode;
}
