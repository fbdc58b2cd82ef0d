using System.Net.Sockets;

namespace Endpoints.Common.Networking;

/// <summary>What a <see cref="SocketOperation"/> did: bytes moved (0 on a receive is the peer's FIN), or why it failed.</summary>
public readonly record struct SocketResult(int Bytes, SocketError Error)
{
    public bool Ok => Error == SocketError.Success;
}
