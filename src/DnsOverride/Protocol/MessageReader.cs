using System.Buffers.Binary;

namespace Endpoints.DnsOverride.Protocol;

/// <summary>Reads names and records from messages that other servers wrote (compression allowed).</summary>
internal static class MessageReader
{
    public static bool SkipName(ReadOnlySpan<byte> message, ref int offset)
    {
        while (offset < message.Length)
        {
            int len = message[offset];
            if (len == 0)
            {
                offset++;
                return true;
            }

            if ((len & 0xC0) == 0xC0)
            {
                offset += 2;
                return offset <= message.Length;
            }

            if (len > 63)
            {
                return false;
            }

            offset += len + 1;
        }

        return false;
    }

    /// <summary>Reads a possibly compressed name into uncompressed wire form; returns its length or -1.</summary>
    public static int ReadName(ReadOnlySpan<byte> message, ref int offset, Span<byte> destination)
    {
        var written = 0;
        var position = offset;
        var jumped = false;
        var hops = 0;
        while (position < message.Length)
        {
            int len = message[position];
            if ((len & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++hops > 64)
                {
                    return -1;
                }

                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }

                position = ((len & 0x3F) << 8) | message[position + 1];
                continue;
            }

            if (len > 63 || position + 1 + len > message.Length || written + len + 1 > DnsName.MaxWireLength)
            {
                return -1;
            }

            message.Slice(position, len + 1).CopyTo(destination[written..]);
            written += len + 1;
            position += len + 1;
            if (len == 0)
            {
                if (!jumped)
                {
                    offset = position;
                }

                return written;
            }
        }

        return -1;
    }

    public static ushort ReadUInt16(ReadOnlySpan<byte> message, int offset) => BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);

    /// <summary>Offset just past the question section, or -1.</summary>
    public static int SkipQuestion(ReadOnlySpan<byte> message)
    {
        if (message.Length < DnsFlags.HeaderLength)
        {
            return -1;
        }

        var offset = DnsFlags.HeaderLength;
        var count = ReadUInt16(message, 4);
        for (var i = 0; i < count; i++)
        {
            if (!SkipName(message, ref offset))
            {
                return -1;
            }

            offset += 4;
        }

        return offset <= message.Length ? offset : -1;
    }

    /// <summary>
    /// Copies the answer section of an upstream response into <paramref name="writer"/>, expanding compressed
    /// names (our message has other offsets). Returns the number of records copied, or -1 when malformed.
    /// </summary>
    public static int CopyAnswers(ReadOnlySpan<byte> message, ref MessageWriter writer)
    {
        var offset = SkipQuestion(message);
        if (offset < 0)
        {
            return -1;
        }

        var count = ReadUInt16(message, 6);
        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        for (var i = 0; i < count; i++)
        {
            var nameLength = ReadName(message, ref offset, name);
            if (nameLength < 0 || offset + 10 > message.Length)
            {
                return -1;
            }

            var type = ReadUInt16(message, offset);
            var rdLength = ReadUInt16(message, offset + 8);
            var rdStart = offset + 10;
            if (rdStart + rdLength > message.Length)
            {
                return -1;
            }

            writer.WriteBytes(name[..nameLength]);
            writer.WriteBytes(message.Slice(offset, 8));
            var lengthAt = writer.Position;
            writer.WriteUInt16(0);
            var dataStart = writer.Position;
            if (!CopyRdata(message, type, rdStart, rdLength, ref writer))
            {
                return -1;
            }

            writer.PatchUInt16(lengthAt, (ushort)(writer.Position - dataStart));
            offset = rdStart + rdLength;
        }

        return count;
    }

    private static bool CopyRdata(ReadOnlySpan<byte> message, ushort type, int start, int length, ref MessageWriter writer)
    {
        // Only the RFC 1035 types may carry compressed names (RFC 3597 4); everything else is opaque.
        var prefix = type switch
        {
            RecordType.NS or RecordType.CNAME or RecordType.PTR or RecordType.SOA => 0,
            RecordType.MX => 2,
            _ => -1,
        };
        if (prefix < 0)
        {
            writer.WriteBytes(message.Slice(start, length));
            return true;
        }

        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        var offset = start;
        writer.WriteBytes(message.Slice(offset, prefix));
        offset += prefix;
        var names = type == RecordType.SOA ? 2 : 1;
        for (var i = 0; i < names; i++)
        {
            var n = ReadName(message, ref offset, name);
            if (n < 0)
            {
                return false;
            }

            writer.WriteBytes(name[..n]);
        }

        var rest = start + length - offset;
        if (rest < 0)
        {
            return false;
        }

        writer.WriteBytes(message.Slice(offset, rest));
        return true;
    }
}
