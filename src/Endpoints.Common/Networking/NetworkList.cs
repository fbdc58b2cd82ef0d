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
}
