namespace Endpoints.DnsOverride.Handlers;

public enum DnsTransport
{
    Udp,
    Tcp,
}
