using System.Buffers.Binary;

namespace Endpoints.DnsOverride.Protocol;

/// <summary>What the server needs from an incoming query, parsed without allocating.</summary>
internal struct DnsQuery
{
    public const ushort DefaultEdnsPayload = 1232;

    private const ushort TsigRecordType = 250;

    public ushort Id;
    public ushort Flags;
    public int QuestionEnd;
    public int QNameKeyLength;
    public ushort QType;
    public ushort QClass;
    public bool HasEdns;
    public ushort EdnsPayload;
    public byte EdnsVersion;
    public bool DnssecOk;

    /// <summary>Where the TSIG record starts when the query is signed (the last record, RFC 8945), else 0.</summary>
    public int TsigStart;

    public readonly int Opcode => (Flags & DnsFlags.OpcodeMask) >> 11;

    public readonly bool RecursionDesired => (Flags & DnsFlags.RecursionDesired) != 0;

    /// <summary>
    /// Parses a query. <paramref name="nameKey"/> receives the lowercased question name in <see cref="DnsName"/> key form.
    /// </summary>
    public static QueryParseStatus Parse(ReadOnlySpan<byte> message, Span<char> nameKey, out DnsQuery query)
    {
        query = default;
        if (message.Length < DnsFlags.HeaderLength)
        {
            return QueryParseStatus.Drop;
        }

        query.Id = BinaryPrimitives.ReadUInt16BigEndian(message);
        query.Flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((query.Flags & DnsFlags.Response) != 0)
        {
            return QueryParseStatus.Drop;
        }

        var qdCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var anCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var nsCount = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var arCount = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        if (query.Opcode != 0)
        {
            // Only its EDNS matters, so that the NOTIMP carries an OPT as BIND's does; sections that do not parse mean none.
            var start = DnsFlags.HeaderLength;
            var skipped = true;
            for (var i = 0; i < qdCount && skipped; i++)
            {
                skipped = MessageReader.SkipName(message, ref start) && (start += 4) <= message.Length;
            }

            if (!skipped || !ReadRecords(message, start, anCount + nsCount, arCount, ref query))
            {
                query.HasEdns = false;
            }

            return QueryParseStatus.NotImp;
        }

        if (qdCount != 1)
        {
            return QueryParseStatus.FormErr;
        }

        var offset = DnsFlags.HeaderLength;
        var keyLength = 0;
        while (true)
        {
            if (offset >= message.Length)
            {
                return QueryParseStatus.FormErr;
            }

            int len = message[offset++];
            if (len == 0)
            {
                break;
            }

            // Compression in a question is legal but never seen from real clients; refusing it keeps the echo exact.
            if (len > 63 || offset + len > message.Length || keyLength + len + 1 > DnsName.MaxWireLength - 1)
            {
                return QueryParseStatus.FormErr;
            }

            nameKey[keyLength++] = (char)len;
            foreach (var b in message.Slice(offset, len))
            {
                nameKey[keyLength++] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
            }

            offset += len;
        }

        if (offset + 4 > message.Length)
        {
            return QueryParseStatus.FormErr;
        }

        query.QNameKeyLength = keyLength;
        query.QType = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        query.QClass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        offset += 4;
        query.QuestionEnd = offset;

        if (!ReadRecords(message, offset, anCount + nsCount, arCount, ref query))
        {
            return QueryParseStatus.FormErr;
        }

        return query.HasEdns && query.EdnsVersion > 0 ? QueryParseStatus.BadVers : QueryParseStatus.Ok;
    }

    /// <summary>Steps over the answer and authority records and reads the OPT record among the additional ones.</summary>
    private static bool ReadRecords(ReadOnlySpan<byte> message, int offset, int skipped, int additional, ref DnsQuery query)
    {
        for (var i = 0; i < skipped; i++)
        {
            if (!SkipRecord(message, ref offset, out _))
            {
                return false;
            }
        }

        for (var i = 0; i < additional; i++)
        {
            var start = offset;
            if (!SkipRecord(message, ref offset, out var type))
            {
                return false;
            }

            if (type == TsigRecordType)
            {
                query.TsigStart = start;
                continue;
            }

            if (type != RecordType.OPT)
            {
                continue;
            }

            // RFC 6891 6.1.1: one OPT, owned by the root.
            if (query.HasEdns || message[start] != 0)
            {
                return false;
            }

            query.HasEdns = true;
            query.EdnsPayload = BinaryPrimitives.ReadUInt16BigEndian(message[(start + 3)..]);
            query.EdnsVersion = message[start + 6];
            query.DnssecOk = (message[start + 7] & 0x80) != 0;
        }

        return true;
    }

    private static bool SkipRecord(ReadOnlySpan<byte> message, ref int offset, out ushort type)
    {
        type = 0;
        if (!MessageReader.SkipName(message, ref offset) || offset + 10 > message.Length)
        {
            return false;
        }

        type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        offset += 10 + rdLength;
        return offset <= message.Length;
    }
}
