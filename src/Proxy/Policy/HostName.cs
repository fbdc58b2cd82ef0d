using System.Globalization;
using System.Net;

namespace Endpoints.Proxy.Policy;

/// <summary>Destination names as the policy compares them: IDNA (punycode), lowercase, no trailing dot.</summary>
internal static class HostName
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    public static bool TryNormalize(string text, out string normalized)
    {
        normalized = string.Empty;
        var trimmed = text.EndsWith('.') ? text[..^1] : text;
        if (trimmed.Length is 0 or > 253)
        {
            return false;
        }

        if (IPAddress.TryParse(trimmed.Trim('[', ']'), out var address))
        {
            normalized = address.ToString();
            return true;
        }

        try
        {
            // Lowercase first: the mapping leaves case alone, and punycode of 'Ü' differs from that of 'ü'.
            normalized = Idn.GetAscii(trimmed.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return false;
        }

        return normalized.Split('.').All(label => label.Length is > 0 and <= 63);
    }
}
