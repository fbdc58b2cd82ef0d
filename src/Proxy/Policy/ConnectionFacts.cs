using System.Net;

namespace Endpoints.Proxy.Policy;

/// <summary>What a rule's conditions judge of a connection: its source, the host asked for (and its address when it is an IP literal), the port.</summary>
internal readonly record struct ConnectionFacts(IPAddress Source, string Host, IPAddress? HostAddress, int Port);
