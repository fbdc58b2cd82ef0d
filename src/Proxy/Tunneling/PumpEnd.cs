namespace Endpoints.Proxy.Tunneling;

/// <summary>How one direction of a tunnel ended.</summary>
internal enum PumpEnd
{
    Eof,
    Cancelled,
    Reset,

    /// <summary>The client's first bytes were refused before anything went upstream (the tunnel's SNI check).</summary>
    Refused,
}
