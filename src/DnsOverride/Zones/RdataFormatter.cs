using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// RDATA back in zone-file presentation, as <c>named-compilezone</c> writes it: names absolute, TXT quoted with
/// escapes, unknown types in RFC 3597 <c>\#</c> form. The inverse of <see cref="RdataParser"/>, for diffs and reports.
/// </summary>
internal static class RdataFormatter
{
    public static string Format(ushort type, ReadOnlySpan<byte> rdata)
    {
        try
        {
            var text = type switch
            {
                RecordType.A when rdata.Length == 4 => $"{rdata[0]}.{rdata[1]}.{rdata[2]}.{rdata[3]}",
                RecordType.AAAA when rdata.Length == 16 => new IPAddress(rdata).ToString(),
                RecordType.NS or RecordType.CNAME or RecordType.PTR => Names(rdata, 1, out var end) is var n && end == rdata.Length ? n : null,
                RecordType.MX => $"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {Name(rdata, 2, out _)}",
                RecordType.SRV => $"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {BinaryPrimitives.ReadUInt16BigEndian(rdata[2..])} " +
                    $"{BinaryPrimitives.ReadUInt16BigEndian(rdata[4..])} {Name(rdata, 6, out _)}",
                RecordType.SOA => Soa(rdata),
                RecordType.TXT => Strings(rdata),
                RecordType.CAA => Caa(rdata),
                _ => null,
            };
            return text ?? Generic(rdata);
        }
        catch (ArgumentOutOfRangeException)
        {
            return Generic(rdata);
        }
    }

    private static string Generic(ReadOnlySpan<byte> rdata) =>
        rdata.IsEmpty ? "\\# 0" : $"\\# {rdata.Length} {Convert.ToHexStringLower(rdata)}";

    private static string Names(ReadOnlySpan<byte> rdata, int count, out int end)
    {
        end = 0;
        var parts = new string[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = Name(rdata, end, out end);
        }

        return string.Join(' ', parts);
    }

    /// <summary>An uncompressed wire name starting at <paramref name="offset"/>, as an absolute presentation name.</summary>
    private static string Name(ReadOnlySpan<byte> rdata, int offset, out int end)
    {
        var key = new StringBuilder();
        while (rdata[offset] != 0)
        {
            var length = rdata[offset];
            key.Append((char)length);
            foreach (var b in rdata.Slice(offset + 1, length))
            {
                key.Append((char)b);
            }

            offset += length + 1;
        }

        end = offset + 1;
        return DnsName.ToPresentation(key.ToString());
    }

    private static string Soa(ReadOnlySpan<byte> rdata)
    {
        var mname = Name(rdata, 0, out var offset);
        var rname = Name(rdata, offset, out offset);
        var numbers = new uint[5];
        for (var i = 0; i < 5; i++)
        {
            numbers[i] = BinaryPrimitives.ReadUInt32BigEndian(rdata[(offset + (4 * i))..]);
        }

        return offset + 20 == rdata.Length
            ? $"{mname} {rname} {string.Join(' ', numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)))}"
            : Generic(rdata);
    }

    private static string Strings(ReadOnlySpan<byte> rdata)
    {
        var parts = new List<string>();
        var offset = 0;
        while (offset < rdata.Length)
        {
            var length = rdata[offset];
            parts.Add(Quote(rdata.Slice(offset + 1, length)));
            offset += length + 1;
        }

        return string.Join(' ', parts);
    }

    private static string Caa(ReadOnlySpan<byte> rdata)
    {
        var tagLength = rdata[1];
        var tag = Encoding.ASCII.GetString(rdata.Slice(2, tagLength));
        return $"{rdata[0]} {tag} {Quote(rdata[(2 + tagLength)..])}";
    }

    /// <summary>A character-string quoted, with <c>"</c> and <c>\</c> escaped and bytes outside printable ASCII as <c>\DDD</c>.</summary>
    private static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (var b in bytes)
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                text.Append('\\').Append((char)b);
            }
            else if (b is < 0x20 or >= 0x7F)
            {
                text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.Append('"').ToString();
    }
}
