using System.Net;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// One destination of a rule: an exact name, <c>*.suffix</c> (any name strictly below suffix), or an IP or CIDR,
/// which only IP-literal destinations can match.
/// </summary>
internal sealed class DestinationPattern
{
    private readonly string? _name;
    private readonly string? _suffix;
    private readonly IPNetwork? _network;

    private DestinationPattern(string? name, string? suffix, IPNetwork? network)
    {
        _name = name;
        _suffix = suffix;
        _network = network;
    }

    public static bool TryParse(string text, out DestinationPattern pattern, out string? error)
    {
        pattern = null!;
        error = null;
        if (IPNetwork.TryParse(text, out var network))
        {
            pattern = new DestinationPattern(null, null, network);
            return true;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            pattern = new DestinationPattern(null, null, new IPNetwork(address, address.GetAddressBytes().Length * 8));
            return true;
        }

        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        if (!HostName.TryNormalize(wildcard ? text[2..] : text, out var name) || name.Contains('*', StringComparison.Ordinal))
        {
            error = $"'{text}' is not a host name, *.name, IP or CIDR";
            return false;
        }

        pattern = wildcard ? new DestinationPattern(null, "." + name, null) : new DestinationPattern(name, null, null);
        return true;
    }

    /// <summary><paramref name="host"/> is normalized; <paramref name="address"/> is set when the request named an IP.</summary>
    public bool Matches(string host, IPAddress? address)
    {
        if (address is not null)
        {
            return _network is { } network && network.Contains(address);
        }

        return _name is not null
            ? string.Equals(host, _name, StringComparison.Ordinal)
            : _suffix is not null && host.EndsWith(_suffix, StringComparison.Ordinal);
    }

    /// <summary>Whether every destination <paramref name="other"/> matches is matched by this pattern too.</summary>
    public bool Covers(DestinationPattern other)
    {
        if (other._network is { } inner)
        {
            return _network is { } outer && PolicyRule.Contains(outer, inner);
        }

        if (_suffix is null)
        {
            return _name is not null && _name == other._name;
        }

        var otherName = other._name ?? other._suffix!;
        return otherName.EndsWith(_suffix, StringComparison.Ordinal);
    }
}
