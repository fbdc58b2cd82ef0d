namespace Endpoints.Proxy.Tunneling;

internal enum ListenerMode
{
    Connect,
    Tls,
    Http,

    /// <summary>CONNECT inside TLS to the proxy (<c>HTTPS_PROXY=https://...</c>, Squid's <c>https_port</c>).</summary>
    ConnectTls,
}
