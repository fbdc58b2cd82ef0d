using System.Net;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Policy;

/// <summary>One rule of the policy; <see cref="Ports"/> null means any port.</summary>
internal sealed record PolicyRule(string Name, bool Allow, IReadOnlyList<IPNetwork> Sources, IReadOnlyList<DestinationPattern> Destinations, IReadOnlySet<int>? Ports)
{
    public bool Matches(IPAddress source, string host, IPAddress? hostAddress, int port) =>
        Sources.ContainsAny(source) &&
        (Ports is null || Ports.Contains(port)) &&
        Destinations.Any(d => d.Matches(host, hostAddress));

    /// <summary>Whether every connection <paramref name="later"/> matches is matched by this rule, so that later can never decide.</summary>
    public bool Covers(PolicyRule later) =>
        later.Sources.All(s => Sources.Any(mine => Contains(mine, s))) &&
        (Ports is null || (later.Ports is not null && later.Ports.IsSubsetOf(Ports))) &&
        later.Destinations.All(d => Destinations.Any(mine => mine.Covers(d)));

    internal static bool Contains(IPNetwork outer, IPNetwork inner) =>
        outer.BaseAddress.AddressFamily == inner.BaseAddress.AddressFamily &&
        outer.PrefixLength <= inner.PrefixLength &&
        outer.Contains(inner.BaseAddress);
}
