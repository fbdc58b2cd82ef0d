namespace Endpoints.Proxy.Tunneling;

internal enum ListenerMode
{
    Connect,
    Tls,
    Http,
}
