namespace Endpoints.DnsOverride.Handlers;

internal enum DnsTransport
{
    Udp,
    Tcp,
}
