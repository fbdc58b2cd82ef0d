namespace Endpoints.Proxy.Tunneling;

public enum ListenerMode
{
    Connect,
    Tls,
    Http,
}
