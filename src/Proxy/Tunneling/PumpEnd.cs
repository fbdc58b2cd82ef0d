namespace Endpoints.Proxy.Tunneling;

/// <summary>How one direction of a tunnel ended.</summary>
internal enum PumpEnd
{
    Eof,
    Cancelled,
    Reset,
}
