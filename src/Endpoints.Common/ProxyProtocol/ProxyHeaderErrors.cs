namespace Endpoints.Common.ProxyProtocol;

public static class ProxyHeaderErrors
{
    public static string Describe(this ProxyHeaderError error) => error switch
    {
        ProxyHeaderError.Missing => "no PROXY protocol header from a load balancer address",
        ProxyHeaderError.V1TooLong => "PROXY v1 line longer than 107 bytes",
        ProxyHeaderError.V1Malformed => "malformed PROXY v1 line",
        ProxyHeaderError.V2Version => "PROXY v2 header with an unknown version",
        ProxyHeaderError.V2Command => "PROXY v2 header with an unknown command",
        ProxyHeaderError.V2Ipv4Truncated => "PROXY v2 IPv4 addresses truncated",
        ProxyHeaderError.V2Ipv6Truncated => "PROXY v2 IPv6 addresses truncated",
        ProxyHeaderError.V2Family => "PROXY v2 address family is not supported",
        ProxyHeaderError.V2TlvTruncated => "PROXY v2 TLV truncated",
        _ => "-",
    };
}
