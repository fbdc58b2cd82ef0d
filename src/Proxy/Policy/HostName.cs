using System.Globalization;
using System.Net;
using System.Text;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// Destination names as the policy compares them: UTS #46 nontransitional mapping and IDNA (punycode), as browsers
/// and curl do, lowercase, no trailing dot. The mapping needs ICU; where the runtime lacks it (invariant
/// globalization) IdnMapping only encodes, so a fullwidth deny rule would not match its ASCII twin: then names that
/// are not ASCII are refused instead, in the policy and in requests.
/// </summary>
internal static class HostName
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>Whether this runtime maps as UTS #46 does (fullwidth E is e).</summary>
    private static readonly bool Maps = TryGetAscii("\uFF25", out var mapped) && mapped == "e";

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

        if (!Ascii.IsValid(trimmed) && !Maps)
        {
            return false;
        }

        // Lowercase first: without ICU the encoding leaves case alone, and punycode of 'Ü' differs from that of 'ü'.
        if (!TryGetAscii(trimmed.ToLowerInvariant(), out normalized))
        {
            return false;
        }

        return normalized.Split('.').All(label => label.Length is > 0 and <= 63);
    }

    private static bool TryGetAscii(string name, out string ascii)
    {
        try
        {
            ascii = Idn.GetAscii(name).ToLowerInvariant();
            return true;
        }
        catch (ArgumentException)
        {
            ascii = string.Empty;
            return false;
        }
    }
}
