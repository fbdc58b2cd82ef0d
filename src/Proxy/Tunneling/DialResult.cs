using System.Net;
using System.Net.Sockets;

namespace Endpoints.Proxy.Tunneling;

/// <summary>A connected upstream socket (outcome <see cref="ConnectionOutcome.Relayed"/>), or why there is none.</summary>
internal sealed record DialResult(Socket? Socket, ConnectionOutcome Outcome, string Reason, IPEndPoint? Dialled = null);
