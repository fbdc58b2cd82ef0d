using System.Net;

namespace Endpoints.Common.Networking;

/// <summary>Membership in a list of networks, for checks made on every connection.</summary>
public static class NetworkList
{
    /// <summary>
    /// Whether any of <paramref name="networks"/> holds <paramref name="address"/>. A loop, not LINQ's <c>Any</c>:
    /// a lambda over the address is an allocation each time.
    /// </summary>
    public static bool ContainsAny(this IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="outer"/> holds all of <paramref name="inner"/> (same family, prefix no longer).</summary>
    public static bool Covers(this IPNetwork outer, IPNetwork inner) =>
        outer.BaseAddress.AddressFamily == inner.BaseAddress.AddressFamily &&
        outer.PrefixLength <= inner.PrefixLength &&
        outer.Contains(inner.BaseAddress);
}
