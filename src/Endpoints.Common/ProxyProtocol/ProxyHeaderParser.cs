using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Endpoints.Common.ProxyProtocol;

/// <summary>PROXY protocol v1 (text) and v2 (binary), per haproxy's proxy-protocol.txt.</summary>
public static class ProxyHeaderParser
{
    public const int V1MaxLength = 107;

    private const byte AwsTlv = 0xEA;
    private const byte AwsVpceSubtype = 0x01;

    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>True when the bytes so far could be, or are, the start of a PROXY header.</summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> data)
    {
        var v2 = V2Signature[..Math.Min(data.Length, V2Signature.Length)];
        var v1 = V1Prefix[..Math.Min(data.Length, V1Prefix.Length)];
        return data.Length > 0 && (data.StartsWith(v2) || data.StartsWith(v1));
    }

    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out ProxyHeader? header, out int consumed, out ProxyHeaderError error)
    {
        header = null;
        consumed = 0;
        error = ProxyHeaderError.None;
        if (data.IsEmpty || (data.Length < V2Signature.Length && LooksLikeHeader(data)))
        {
            return ParseStatus.NeedMore;
        }

        if (data.StartsWith(V2Signature))
        {
            return ParseV2(data, out header, out consumed, out error);
        }

        if (data.StartsWith(V1Prefix))
        {
            return ParseV1(data, out header, out consumed, out error);
        }

        error = ProxyHeaderError.Missing;
        return ParseStatus.Invalid;
    }

    private static ParseStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader? header, out int consumed, out ProxyHeaderError error)
    {
        header = null;
        consumed = 0;
        error = ProxyHeaderError.None;
        var end = data[..Math.Min(data.Length, V1MaxLength)].IndexOf("\r\n"u8);
        if (end < 0)
        {
            if (data.Length >= V1MaxLength)
            {
                error = ProxyHeaderError.V1TooLong;
                return ParseStatus.Invalid;
            }

            return ParseStatus.NeedMore;
        }

        consumed = end + 2;
        var parts = Encoding.ASCII.GetString(data[..end]).Split(' ');
        if (parts.Length >= 2 && parts[1] == "UNKNOWN")
        {
            header = new ProxyHeader(1, true, null, null, null, []);
            return ParseStatus.Done;
        }

        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6") ||
            !IPAddress.TryParse(parts[2], out var source) || !IPAddress.TryParse(parts[3], out var destination) ||
            !ushort.TryParse(parts[4], out var sourcePort) || !ushort.TryParse(parts[5], out var destinationPort) ||
            source.AddressFamily != destination.AddressFamily ||
            (parts[1] == "TCP4") != (source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
        {
            error = ProxyHeaderError.V1Malformed;
            return ParseStatus.Invalid;
        }

        header = new ProxyHeader(1, false, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), null, []);
        return ParseStatus.Done;
    }

    private static ParseStatus ParseV2(ReadOnlySpan<byte> data, out ProxyHeader? header, out int consumed, out ProxyHeaderError error)
    {
        header = null;
        consumed = 0;
        error = ProxyHeaderError.None;
        if (data.Length < 16)
        {
            return ParseStatus.NeedMore;
        }

        var versionCommand = data[12];
        if (versionCommand >> 4 != 2)
        {
            error = ProxyHeaderError.V2Version;
            return ParseStatus.Invalid;
        }

        var command = versionCommand & 0xF;
        if (command > 1)
        {
            error = ProxyHeaderError.V2Command;
            return ParseStatus.Invalid;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (data.Length < 16 + length)
        {
            return ParseStatus.NeedMore;
        }

        consumed = 16 + length;
        var body = data.Slice(16, length);
        var family = data[13];
        IPEndPoint? source = null, destination = null;
        int addressLength;
        switch (family)
        {
            case 0x11 or 0x12:
                addressLength = 12;
                if (body.Length < addressLength)
                {
                    error = ProxyHeaderError.V2Ipv4Truncated;
                    return ParseStatus.Invalid;
                }

                source = new IPEndPoint(new IPAddress(body[..4]), BinaryPrimitives.ReadUInt16BigEndian(body[8..]));
                destination = new IPEndPoint(new IPAddress(body[4..8]), BinaryPrimitives.ReadUInt16BigEndian(body[10..]));
                break;
            case 0x21 or 0x22:
                addressLength = 36;
                if (body.Length < addressLength)
                {
                    error = ProxyHeaderError.V2Ipv6Truncated;
                    return ParseStatus.Invalid;
                }

                source = new IPEndPoint(new IPAddress(body[..16]), BinaryPrimitives.ReadUInt16BigEndian(body[32..]));
                destination = new IPEndPoint(new IPAddress(body[16..32]), BinaryPrimitives.ReadUInt16BigEndian(body[34..]));
                break;
            case 0x00:
                addressLength = 0;
                break;
            default:
                if (command == 1)
                {
                    error = ProxyHeaderError.V2Family;
                    return ParseStatus.Invalid;
                }

                // LOCAL with another family (e.g. AF_UNIX): the addresses mean nothing to us.
                addressLength = body.Length;
                break;
        }

        var tlvs = new List<(byte, byte[])>();
        string? vpce = null;
        var rest = body[addressLength..];
        while (rest.Length > 0)
        {
            if (rest.Length < 3 || rest.Length < 3 + BinaryPrimitives.ReadUInt16BigEndian(rest[1..]))
            {
                error = ProxyHeaderError.V2TlvTruncated;
                return ParseStatus.Invalid;
            }

            var type = rest[0];
            var value = rest.Slice(3, BinaryPrimitives.ReadUInt16BigEndian(rest[1..])).ToArray();
            tlvs.Add((type, value));
            if (type == AwsTlv && value.Length > 1 && value[0] == AwsVpceSubtype)
            {
                vpce = Encoding.ASCII.GetString(value.AsSpan(1));
            }

            rest = rest[(3 + value.Length)..];
        }

        var local = command == 0 || family == 0x00;
        header = new ProxyHeader(2, local, local ? null : source, local ? null : destination, vpce, tlvs);
        return ParseStatus.Done;
    }
}
