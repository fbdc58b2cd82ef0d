namespace Endpoints.Proxy.Tunneling;

/// <summary>Why <see cref="ConnectionDeadlines"/> ended a wait of a connection.</summary>
internal enum Expiry
{
    None,

    /// <summary>No complete request within HandshakeTimeout: the client's receive side is shut, the refusal still goes out.</summary>
    Handshake,

    /// <summary>No upstream connection within ConnectTimeout: the upstream socket is closed.</summary>
    Connect,

    /// <summary>A ClientHello begun in a CONNECT tunnel did not end within HandshakeTimeout: both sockets are closed.</summary>
    TunnelCheck,

    /// <summary>Nothing moved either way for IdleTimeout.</summary>
    Idle,

    /// <summary>Still open when DrainTimeout ran out after SIGTERM.</summary>
    Drain,
}
