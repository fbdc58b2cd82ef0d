using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Resolution;

/// <summary>
/// Refuses resolved addresses the proxy must not reach (SSRF guard, as Smokescreen does): loopback, link-local
/// (instance metadata included), private, CGNAT, multicast, unspecified, IPv6 forms embedding such IPv4 addresses,
/// and the proxy itself; <c>--allow-range</c> re-admits ranges such as the VPC endpoint subnet. The proxy's own
/// listening endpoints are refused always, to stop loops.
/// </summary>
internal sealed class DestinationGuard
{
    private static readonly (IPNetwork Network, string Reason)[] Blocked =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (incl. instance metadata)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private (RFC 1918)"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments"),
        (IPNetwork.Parse("192.168.0.0/16"), "private (RFC 1918)"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "unique local"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
        (IPNetwork.Parse("2001::/32"), "Teredo"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64 (RFC 8215)"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>RFC 7915 (SIIT) IPv4-translated addresses, ::ffff:0:a.b.c.d.</summary>
    private static readonly IPNetwork Translated = IPNetwork.Parse("::ffff:0:0:0/96");

    /// <summary>Never a destination, whatever --allow-range says: 0.0.0.0 and :: reach this host's own listeners.</summary>
    private static readonly IPNetwork[] Unspecified = [IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("::/128")];
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IReadOnlyList<IPNetwork> _allowed;
    private IPEndPoint[] _ownEndpoints;
    private readonly HashSet<IPAddress> _ownAddresses;

    public DestinationGuard(IEnumerable<IPNetwork> allowed, IEnumerable<IPEndPoint> ownEndpoints, IEnumerable<IPAddress>? ownAddresses = null)
    {
        _allowed = allowed.ToList();
        _ownEndpoints = ownEndpoints.ToArray();
        _ownAddresses = (ownAddresses ?? LocalAddresses()).Select(Canonical).ToHashSet();
    }

    /// <summary>Adds an endpoint the proxy bound (its port is known only then when the setting says port 0).</summary>
    public void ListeningOn(IPEndPoint endpoint)
    {
        IPEndPoint[] current, updated;
        do
        {
            current = Volatile.Read(ref _ownEndpoints);
            updated = [.. current, endpoint];
        }
        while (Interlocked.CompareExchange(ref _ownEndpoints, updated, current) != current);
    }

    public AclDecision Check(IPAddress address, int port)
    {
        address = Canonical(address);
        if (IsOwnEndpoint(address, port))
        {
            return AclDecision.Deny("guard", $"{address}:{port} is this proxy");
        }

        if (Unspecified.ContainsAny(address))
        {
            return AclDecision.Deny("guard", $"{address} is unspecified (this host), never allowed");
        }

        if (_allowed.ContainsAny(address))
        {
            return new AclDecision(true, "guard", "in --allow-range");
        }

        if (_ownAddresses.Contains(address))
        {
            return AclDecision.Deny("guard", $"{address} is an address of this host");
        }

        if (Classify(address) is { } reason)
        {
            return AclDecision.Deny("guard", $"{address} is {reason}");
        }

        return new AclDecision(true, "guard", "public address");
    }

    /// <summary>Why an address is refused, or null. IPv6 forms that carry an IPv4 address are judged by it.</summary>
    public static string? Classify(IPAddress address)
    {
        address = Canonical(address);
        foreach (var (network, reason) in Blocked)
        {
            if (network.Contains(address))
            {
                return reason;
            }
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            IPAddress? embedded = null;
            if (Nat64.Contains(address) || Compatible.Contains(address) || Translated.Contains(address))
            {
                embedded = new IPAddress(bytes.AsSpan(12, 4));
            }
            else if (SixToFour.Contains(address))
            {
                embedded = new IPAddress(bytes.AsSpan(2, 4));
            }

            if (embedded is not null && Classify(embedded) is { } inner)
            {
                return $"an IPv6 form of {embedded} ({inner})";
            }
        }

        return null;
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private bool IsOwnEndpoint(IPAddress address, int port)
    {
        foreach (var endpoint in Volatile.Read(ref _ownEndpoints))
        {
            if (endpoint.Port == port &&
                (Canonical(endpoint.Address).Equals(address) ||
                 ((endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any)) && (_ownAddresses.Contains(address) || IPAddress.IsLoopback(address)))))
            {
                return true;
            }
        }

        return false;
    }

    private static List<IPAddress> LocalAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
