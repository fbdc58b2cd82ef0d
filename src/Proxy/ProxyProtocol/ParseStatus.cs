namespace Endpoints.Proxy.ProxyProtocol;

internal enum ParseStatus
{
    /// <summary>Not enough bytes yet: read more and try again.</summary>
    NeedMore,
    Done,
    Invalid,
}
