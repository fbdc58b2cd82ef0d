using System.Net;
using Endpoints.Common.Networking;

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
        // Anything that starts like an address is read as one, strictly: a mistyped address is never taken for a name.
        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text.Contains(':', StringComparison.Ordinal)) && !LooksLikeName(text))
        {
            if (AddressText.TryParseNetwork(text, bareAddress: true, out var network, out var addressError))
            {
                pattern = new DestinationPattern(null, null, network);
                return true;
            }

            error = $"destination {addressError}";
            return false;
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

    /// <summary>A name may start with a digit (<c>3com.example</c>); one with a letter in its last label is not an address.</summary>
    private static bool LooksLikeName(string text) =>
        !text.Contains(':', StringComparison.Ordinal) && !text.Contains('/', StringComparison.Ordinal) && text.TrimEnd('.').Split('.')[^1].Any(char.IsAsciiLetter);

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
            return _network is { } outer && outer.Covers(inner);
        }

        if (_suffix is null)
        {
            return _name is not null && _name == other._name;
        }

        var otherName = other._name ?? other._suffix!;
        return otherName.EndsWith(_suffix, StringComparison.Ordinal);
    }

    /// <summary>As the policy file writes it.</summary>
    public override string ToString() => _name ?? (_suffix is not null ? "*" + _suffix : _network!.Value.ToString());
}
