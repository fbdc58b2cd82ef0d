using System.Buffers.Binary;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>
/// The TSIG record of a message (RFC 8945 4.2): where it starts, and its fields. It must be the last record of the
/// additional section; one anywhere else makes the message malformed.
/// </summary>
internal sealed record TsigRecord(
    int Start, DnsName KeyName, DnsName Algorithm, long TimeSigned, ushort Fudge, byte[] Mac, ushort OriginalId, ushort Error, byte[] Other)
{
    public const ushort Type = 250;
    public const ushort ClassAny = 255;

    /// <summary>Finds and reads the TSIG record; <see cref="TsigStatus.NoSignature"/> when there is none.</summary>
    public static TsigStatus TryRead(ReadOnlySpan<byte> message, out TsigRecord? record)
    {
        record = null;
        var offset = MessageReader.SkipQuestion(message);
        if (offset < 0)
        {
            return TsigStatus.NoSignature;
        }

        var records = MessageReader.ReadUInt16(message, 6) + MessageReader.ReadUInt16(message, 8) + MessageReader.ReadUInt16(message, 10);
        for (var i = 0; i < records; i++)
        {
            var start = offset;
            if (!MessageReader.SkipName(message, ref offset) || offset + 10 > message.Length)
            {
                return TsigStatus.NoSignature;
            }

            var type = MessageReader.ReadUInt16(message, offset);
            var rdStart = offset + 10;
            var rdEnd = rdStart + MessageReader.ReadUInt16(message, offset + 8);
            if (rdEnd > message.Length)
            {
                return TsigStatus.NoSignature;
            }

            if (type == Type)
            {
                if (i != records - 1 || rdEnd != message.Length)
                {
                    return TsigStatus.Malformed;
                }

                return Read(message, start, rdStart, rdEnd, out record) ? TsigStatus.Valid : TsigStatus.Malformed;
            }

            offset = rdEnd;
        }

        return TsigStatus.NoSignature;
    }

    private static bool Read(ReadOnlySpan<byte> message, int start, int rdStart, int rdEnd, out TsigRecord? record)
    {
        record = null;
        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        var at = start;
        var keyLength = MessageReader.ReadName(message, ref at, name);
        if (keyLength < 0 || MessageReader.ReadUInt16(message, at + 2) != ClassAny)
        {
            return false;
        }

        var keyName = ToName(name[..keyLength]);
        at = rdStart;
        var algorithmLength = MessageReader.ReadName(message, ref at, name);
        if (algorithmLength < 0 || at + 10 > rdEnd)
        {
            return false;
        }

        var algorithm = ToName(name[..algorithmLength]);
        var time = ((long)MessageReader.ReadUInt16(message, at) << 32) | BinaryPrimitives.ReadUInt32BigEndian(message[(at + 2)..]);
        var fudge = MessageReader.ReadUInt16(message, at + 6);
        var macLength = MessageReader.ReadUInt16(message, at + 8);
        at += 10;
        if (at + macLength + 6 > rdEnd)
        {
            return false;
        }

        var mac = message.Slice(at, macLength).ToArray();
        at += macLength;
        var originalId = MessageReader.ReadUInt16(message, at);
        var error = MessageReader.ReadUInt16(message, at + 2);
        var otherLength = MessageReader.ReadUInt16(message, at + 4);
        at += 6;
        if (at + otherLength != rdEnd)
        {
            return false;
        }

        record = new TsigRecord(start, keyName, algorithm, time, fudge, mac, originalId, error, message.Slice(at, otherLength).ToArray());
        return true;
    }

    /// <summary>A wire name as a <see cref="DnsName"/>, folded to lower case (the canonical form the MAC covers).</summary>
    private static DnsName ToName(ReadOnlySpan<byte> wire)
    {
        Span<char> key = stackalloc char[wire.Length];
        for (var i = 0; i < wire.Length - 1; i++)
        {
            var b = wire[i];
            key[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }

        return DnsName.FromKey(key[..(wire.Length - 1)]);
    }
}
