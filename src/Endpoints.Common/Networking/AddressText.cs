using System.Net;
using System.Net.Sockets;

namespace Endpoints.Common.Networking;

/// <summary>
/// Addresses and CIDRs as an operator means them, read strictly: <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// follows inet_aton, so <c>010.0.0.0</c> is octal (8.0.0.0) and <c>10.1</c> is 10.0.0.1, and a CIDR with host
/// bits set (<c>10.1.2.3/8</c>) or <c>127.0.0.1/0</c> silently means a network other than the one written. Each of
/// those is an error here, with the network the text most likely meant.
/// </summary>
public static class AddressText
{
    /// <summary>
    /// <paramref name="text"/>: <c>ADDR/PREFIX</c>, or a bare address (a host network) when <paramref name="bareAddress"/>.
    /// <paramref name="error"/> says what is wrong, without naming where (the caller knows).
    /// </summary>
    public static bool TryParseNetwork(string text, bool bareAddress, out IPNetwork network, out string error)
    {
        network = default;
        error = string.Empty;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (slash < 0 && !bareAddress)
        {
            error = $"'{text}' is not a CIDR (ADDR/PREFIX)";
            return false;
        }

        if (addressText.Length == 0 || !addressText.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':' or '%'))
        {
            error = bareAddress ? $"'{text}' is not an IP address or CIDR" : $"'{text}' is not a CIDR (ADDR/PREFIX)";
            return false;
        }

        if (!TryParseAddress(addressText, out var address, out error))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length > 1 && prefixText[0] == '0') ||
                (prefix = int.Parse(prefixText, System.Globalization.CultureInfo.InvariantCulture)) > bits)
            {
                error = $"'{text}': the prefix length must be 0 to {bits}, in decimal";
                return false;
            }
        }

        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            error = prefix == 0
                ? $"'{text}' has host bits set: /0 is every address, written {masked}/0"
                : $"'{text}' has host bits set; the network is {masked}/{prefix}";
            return false;
        }

        network = new IPNetwork(address, prefix);
        return true;
    }

    /// <summary>Dotted-quad IPv4 with four decimal parts and no leading zeros, or IPv6 without a zone (an embedded IPv4 read as strictly).</summary>
    public static bool TryParseAddress(string text, out IPAddress address, out string error)
    {
        address = IPAddress.None;
        error = string.Empty;
        var colon = text.Contains(':', StringComparison.Ordinal);
        var dotted = colon ? text[(text.LastIndexOf(':') + 1)..] : text;
        if ((!colon || dotted.Contains('.', StringComparison.Ordinal)) && !IsStrictDottedQuad(dotted))
        {
            error = $"'{text}' is not an address written as four decimal parts without leading zeros (a leading 0 reads as octal)";
            return false;
        }

        if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var parsed) ||
            parsed.AddressFamily != (colon ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork))
        {
            error = $"'{text}' is not an IP address";
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool IsStrictDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(part =>
            part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0') &&
            int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
