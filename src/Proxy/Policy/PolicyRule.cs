using System.Net;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// One rule of the policy; <see cref="Ports"/> null means any port, <see cref="Users"/> null means anyone,
/// authenticated or not. A rule with users matches authenticated connections only.
/// </summary>
internal sealed record PolicyRule(
    string Name, bool Allow, IReadOnlyList<IPNetwork> Sources, IReadOnlyList<DestinationPattern> Destinations, IReadOnlySet<int>? Ports,
    IReadOnlyList<UserPattern>? Users = null)
{
    public bool Matches(IPAddress source, string host, IPAddress? hostAddress, int port, string? user) =>
        MatchesConnection(source, host, hostAddress, port) && (Users is null || (user is not null && MatchesUser(user)));

    /// <summary>Everything but the user. Loops, not LINQ: it runs for every rule on every connection.</summary>
    public bool MatchesConnection(IPAddress source, string host, IPAddress? hostAddress, int port)
    {
        if (!Sources.ContainsAny(source) || (Ports is not null && !Ports.Contains(port)))
        {
            return false;
        }

        for (var i = 0; i < Destinations.Count; i++)
        {
            if (Destinations[i].Matches(host, hostAddress))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesUser(string user)
    {
        for (var i = 0; i < Users!.Count; i++)
        {
            if (Users[i].Matches(user))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every connection <paramref name="later"/> matches is matched by this rule, so that later can never decide.</summary>
    public bool Covers(PolicyRule later) =>
        later.Sources.All(s => Sources.Any(mine => Contains(mine, s))) &&
        (Ports is null || (later.Ports is not null && later.Ports.IsSubsetOf(Ports))) &&
        later.Destinations.All(d => Destinations.Any(mine => mine.Covers(d))) &&
        (Users is null || (later.Users is not null && later.Users.All(u => Users.Any(mine => mine.Covers(u)))));

    internal static bool Contains(IPNetwork outer, IPNetwork inner) =>
        outer.BaseAddress.AddressFamily == inner.BaseAddress.AddressFamily &&
        outer.PrefixLength <= inner.PrefixLength &&
        outer.Contains(inner.BaseAddress);
}
