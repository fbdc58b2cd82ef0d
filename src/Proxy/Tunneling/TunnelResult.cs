namespace Endpoints.Proxy.Tunneling;

public readonly record struct TunnelResult(long BytesUp, long BytesDown, string End);
