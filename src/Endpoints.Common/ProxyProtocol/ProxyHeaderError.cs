namespace Endpoints.Common.ProxyProtocol;

/// <summary>Why a PROXY header was refused; <see cref="ProxyHeaderErrors.Describe"/> words it for logs.</summary>
public enum ProxyHeaderError
{
    None,
    Missing,
    V1TooLong,
    V1Malformed,
    V2Version,
    V2Command,
    V2Ipv4Truncated,
    V2Ipv6Truncated,
    V2Family,
    V2TlvTruncated,
}
