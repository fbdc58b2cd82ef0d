namespace Endpoints.Proxy.Tunneling;

internal readonly record struct TunnelResult(long BytesUp, long BytesDown, string End);
