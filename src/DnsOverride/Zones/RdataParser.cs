using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>Turns the presentation form of RDATA into wire form (names uncompressed).</summary>
internal static class RdataParser
{
    [ThreadStatic]
    private static List<ZoneToken>? t_fields;

    [ThreadStatic]
    private static List<byte>? t_output;

    /// <summary>
    /// Parses one record's RDATA. <paramref name="rdata"/> points into a buffer this thread reuses: it is valid until
    /// the next call, so a caller copies it (a zone load parses a million of them, and each a fresh array was most of
    /// the load's garbage).
    /// </summary>
    public static bool TryParse(
        ushort type, IReadOnlyList<ZoneToken> tokens, int start, DnsName origin,
        out ReadOnlySpan<byte> rdata, out DnsName? target, out string? error)
    {
        rdata = [];
        target = null;
        var fields = t_fields ??= [];
        var output = t_output ??= [];
        fields.Clear();
        output.Clear();
        for (var i = start; i < tokens.Count; i++)
        {
            fields.Add(tokens[i]);
        }

        if (fields.Count > 0 && fields[0] is { Quoted: false, Text: "\\#" })
        {
            error = TryParseGeneric(fields, output);
        }
        else
        {
            error = type switch
            {
                RecordType.A => Address(fields, AddressFamily.InterNetwork, output),
                RecordType.AAAA => Address(fields, AddressFamily.InterNetworkV6, output),
                RecordType.NS or RecordType.CNAME or RecordType.PTR =>
                    Expect(fields, 1) ?? Name(fields[0], origin, output, out target),
                RecordType.MX => Expect(fields, 2) ?? Number(fields[0], 16, output) ?? Name(fields[1], origin, output, out target),
                RecordType.SRV => Expect(fields, 4) ?? Number(fields[0], 16, output) ?? Number(fields[1], 16, output) ??
                    Number(fields[2], 16, output) ?? Name(fields[3], origin, output, out target),
                RecordType.SOA => Soa(fields, origin, output),
                RecordType.TXT => Txt(fields, output),
                RecordType.CAA => Caa(fields, output),
                _ => $"unsupported RR type {RecordType.ToName(type)} (use the RFC 3597 \\# form)",
            };
        }

        if (error is not null)
        {
            return false;
        }

        if (output.Count > ushort.MaxValue)
        {
            error = "RDATA too long";
            return false;
        }

        rdata = CollectionsMarshal.AsSpan(output);
        return true;
    }

    private static string? Expect(List<ZoneToken> fields, int count) => fields.Count switch
    {
        var n when n < count => "unexpected end of input",
        var n when n > count => $"extra input text '{fields[count].Text}'",
        _ => null,
    };

    private static string? Address(List<ZoneToken> fields, AddressFamily family, List<byte> output)
    {
        if (Expect(fields, 1) is { } error)
        {
            return error;
        }

        var text = fields[0].Text;
        if (family == AddressFamily.InterNetwork)
        {
            return DottedQuad(text, output) ? null : $"bad dotted quad '{text}'";
        }

        if (!text.Contains(':', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal) ||
            !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return $"bad IPv6 address '{text}'";
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        output.AddRange(bytes);
        return null;
    }

    /// <summary>Four decimal parts of one to three digits, each at most 255, as BIND's inet_pton takes them.</summary>
    private static bool DottedQuad(ReadOnlySpan<char> text, List<byte> output)
    {
        Span<byte> parts = stackalloc byte[4];
        var count = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (count == 4 || part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            var value = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return false;
            }

            parts[count++] = (byte)value;
        }

        if (count != 4)
        {
            return false;
        }

        output.AddRange(parts);
        return true;
    }

    private static string? Name(ZoneToken field, DnsName origin, List<byte> output, out DnsName? name)
    {
        name = null;
        if (field.Quoted)
        {
            return $"bad name '{field.Text}'";
        }

        if (!DnsName.TryParse(field.Text, origin, out var parsed, out var error))
        {
            return error;
        }

        name = parsed;
        Span<byte> wire = stackalloc byte[DnsName.MaxWireLength];
        parsed.WriteTo(wire);
        output.AddRange(wire[..parsed.WireLength]);
        return null;
    }

    private static string? Number(ZoneToken field, int bits, List<byte> output)
    {
        var max = bits == 32 ? uint.MaxValue : (1UL << bits) - 1;
        if (!ulong.TryParse(field.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
        {
            return $"bad {bits}-bit number '{field.Text}'";
        }

        for (var shift = bits - 8; shift >= 0; shift -= 8)
        {
            output.Add((byte)(value >> shift));
        }

        return null;
    }

    private static string? Soa(List<ZoneToken> fields, DnsName origin, List<byte> output)
    {
        var error = Expect(fields, 7) ?? Name(fields[0], origin, output, out _) ??
            Name(fields[1], origin, output, out _) ?? Number(fields[2], 32, output);
        if (error is not null)
        {
            return error;
        }

        for (var i = 3; i < 7; i++)
        {
            if (!TtlParser.TryParse(fields[i].Text, out var seconds))
            {
                return $"bad SOA timer '{fields[i].Text}'";
            }

            output.Add((byte)(seconds >> 24));
            output.Add((byte)(seconds >> 16));
            output.Add((byte)(seconds >> 8));
            output.Add((byte)seconds);
        }

        return null;
    }

    private static string? Txt(List<ZoneToken> fields, List<byte> output)
    {
        if (fields.Count == 0)
        {
            return "unexpected end of input";
        }

        foreach (var field in fields)
        {
            if (CharacterStrings.Write(field, output) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? Caa(List<ZoneToken> fields, List<byte> output)
    {
        if (Expect(fields, 3) is { } error)
        {
            return error;
        }

        if (Number(fields[0], 8, output) is { } flagsError)
        {
            return flagsError;
        }

        var tag = fields[1].Text;
        if (tag.Length is 0 or > 255 || !tag.All(char.IsAsciiLetterOrDigit))
        {
            return $"bad CAA tag '{tag}'";
        }

        output.Add((byte)tag.Length);
        output.AddRange(tag.Select(c => (byte)c));
        return CharacterStrings.TryUnescape(fields[2].Text, output) ? null : $"bad escape in '{fields[2].Text}'";
    }

    private static string? TryParseGeneric(List<ZoneToken> fields, List<byte> output)
    {
        if (fields.Count < 2 || !ushort.TryParse(fields[1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return "bad \\# length";
        }

        var hex = string.Concat(fields.Skip(2).Select(f => f.Text));
        if (hex.Length != length * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return $"\\# data does not match its length {length}";
        }

        output.AddRange(Convert.FromHexString(hex));
        return null;
    }
}
