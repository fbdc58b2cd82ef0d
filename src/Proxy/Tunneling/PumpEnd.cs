namespace Endpoints.Proxy.Tunneling;

/// <summary>How one direction of a tunnel ended.</summary>
public enum PumpEnd
{
    Eof,
    Cancelled,
    Reset,
}
