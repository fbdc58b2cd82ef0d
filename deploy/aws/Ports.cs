namespace Endpoints.Aws;

/// <summary>
/// The ports the stack, the units and the shipped settings agree on (deploy/config/*.json). The load balancer maps
/// 443 onto 8443 so the proxy needs no privilege; only the DNS server binds a low port (53).
/// </summary>
internal static class Ports
{
    public const int Tls = 443;
    public const int TlsTarget = 8443;
    public const int Connect = 3128;
    public const int ProxyHealth = 8080;
    public const int Dns = 53;
    public const int DnsHealth = 8053;

    /// <summary>The proxy's DrainTimeout: the load balancer waits this long for open tunnels before dropping a target.</summary>
    public const int DrainSeconds = 300;
}
