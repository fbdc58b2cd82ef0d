using System.Net;

namespace Endpoints.Proxy.Policy;

public sealed record PolicyRule(string Name, bool Allow, IReadOnlyList<IPNetwork> Sources, IReadOnlyList<DestinationPattern> Destinations, IReadOnlySet<int>? Ports)
{
    public bool Matches(IPAddress source, string host, IPAddress? hostAddress, int port) =>
        Sources.Any(s => s.Contains(source)) &&
        (Ports is null || Ports.Contains(port)) &&
        Destinations.Any(d => d.Matches(host, hostAddress));
}
