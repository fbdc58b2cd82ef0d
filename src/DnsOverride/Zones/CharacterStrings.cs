using System.Globalization;

namespace Endpoints.DnsOverride.Zones;

/// <summary>The text of TXT and CAA records as RDATA: escapes resolved, other text as UTF-8.</summary>
internal static class CharacterStrings
{
    /// <summary>One <c>&lt;character-string&gt;</c>: its length byte, then its bytes; an error when it is over 255.</summary>
    public static string? Write(ZoneToken field, List<byte> output)
    {
        var lengthAt = output.Count;
        output.Add(0);
        if (!TryUnescape(field.Text, output))
        {
            return $"bad escape in '{field.Text}'";
        }

        var length = output.Count - lengthAt - 1;
        if (length > 255)
        {
            return "character string longer than 255 bytes";
        }

        output[lengthAt] = (byte)length;
        return null;
    }

    /// <summary>Resolves <c>\X</c> and <c>\DDD</c> escapes (RFC 1035 5.1), appending the bytes to <paramref name="bytes"/>.</summary>
    public static bool TryUnescape(string text, List<byte> bytes)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                if (c > 0x7F)
                {
                    bytes.AddRange(utf8[..System.Text.Encoding.UTF8.GetBytes([c], utf8)]);
                }
                else
                {
                    bytes.Add((byte)c);
                }

                continue;
            }

            if (i + 1 >= text.Length)
            {
                return false;
            }

            if (char.IsAsciiDigit(text[i + 1]))
            {
                if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                {
                    return false;
                }

                var value = int.Parse(text.AsSpan(i + 1, 3), CultureInfo.InvariantCulture);
                if (value > 255)
                {
                    return false;
                }

                bytes.Add((byte)value);
                i += 3;
            }
            else
            {
                bytes.Add((byte)text[++i]);
            }
        }

        return true;
    }
}
