using System.Buffers;
using System.Buffers.Binary;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Caching;

/// <summary>Whether a name, as a <see cref="DnsName"/> key, lies inside one of our zones.</summary>
internal delegate bool OwnName(ReadOnlySpan<char> key);

/// <summary>
/// Keeps of an upstream answer only what answers its question, as Unbound's scrubber does (RFC 2181 5.4.1): in the
/// answer section the records owned by the question name and by the names its CNAME chain leads to, and DNAMEs above
/// them; in the authority section an SOA at or above the chain's last name and DNSSEC denial records. A chain that
/// enters one of our zones is cut after the CNAME that enters: what lies below is ours to answer, never the
/// upstream's (a corporate alias for <c>mybucket.s3.amazonaws.com</c> must reach the load balancer, not S3's public
/// address), and that answer is added when the entry is served, from the zones of that moment.
/// </summary>
internal static class AnswerScrubber
{
    private const ushort Nsec3 = 50;

    /// <summary>
    /// <see cref="Message"/>: the answer rebuilt with names uncompressed, or null when nothing was dropped (the upstream's
    /// bytes serve as they are); <see cref="EntersAt"/>: the key of the name in our zones the chain was cut at;
    /// <see cref="Malformed"/>: records that do not parse, which nothing may serve.
    /// </summary>
    public readonly record struct Result(byte[]? Message, string? EntersAt, bool Malformed = false);

    public static Result Scrub(ReadOnlySpan<byte> response, OwnName ours)
    {
        var questionEnd = MessageReader.SkipQuestion(response);
        if (questionEnd < 0 || MessageReader.ReadUInt16(response, 4) != 1)
        {
            return new Result(null, null, Malformed: true);
        }

        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        var offset = DnsFlags.HeaderLength;
        var nameLength = MessageReader.ReadName(response, ref offset, name);
        var qtype = MessageReader.ReadUInt16(response, questionEnd - 4);
        var answerCount = MessageReader.ReadUInt16(response, 6);
        var authorityCount = MessageReader.ReadUInt16(response, 8);
        if (nameLength < 0 || !TryReadRecords(response, questionEnd, answerCount + authorityCount, out var records))
        {
            return new Result(null, null, Malformed: true);
        }

        List<string> chain = [Key(name[..nameLength])];
        var kept = new bool[records.Count];
        string? entersAt = null;
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < answerCount; i++)
            {
                var record = records[i];
                if (kept[i] || !(chain.Contains(record.Owner) || (record.Type == RecordType.DNAME && chain.Exists(n => n != record.Owner && DnsName.IsAtOrBelow(n, record.Owner)))))
                {
                    continue;
                }

                kept[i] = changed = true;
                if (record.Type == RecordType.CNAME && qtype != RecordType.CNAME && record.Target is { } target && !chain.Contains(target))
                {
                    if (ours(target))
                    {
                        entersAt ??= target;
                    }
                    else if (entersAt is null)
                    {
                        chain.Add(target);
                    }
                }
            }
        }

        // The cache keeps an authority section only when it holds an SOA (a negative answer); without one, dropping its
        // records changes nothing served, and is no reason to rebuild.
        var last = chain[^1];
        var authorityKept = records.Skip(answerCount).Any(r => r.Type == RecordType.SOA);
        var dropped = false;
        for (var i = 0; i < records.Count; i++)
        {
            if (i >= answerCount)
            {
                var record = records[i];
                kept[i] = entersAt is null && authorityKept &&
                    ((record.Type == RecordType.SOA && DnsName.IsAtOrBelow(last, record.Owner)) || record.Type is RecordType.RRSIG or RecordType.NSEC or Nsec3);
                dropped |= authorityKept && !kept[i];
                continue;
            }

            // An owner that is the question's name but written out (BIND preserves its zone's case, so it compresses
            // nothing into a 0x20 question) would reach the client in the upstream's case: rebuilt to point at the question.
            dropped |= !kept[i] || (records[i].Owner == chain[0] && !records[i].OwnerPointsAtQuestion);
        }

        if (entersAt is null && !dropped)
        {
            return default;
        }

        return new Result(Rebuild(response, questionEnd, name[..nameLength], chain[0], records, kept, answerCount, cut: entersAt is not null), entersAt);
    }

    private static byte[] Rebuild(
        ReadOnlySpan<byte> response, int questionEnd, ReadOnlySpan<byte> qname, string chain0, List<Record> records, bool[] kept, int answerCount, bool cut)
    {
        var output = new ArrayBufferWriter<byte>(response.Length + 256);
        output.Write(response[..DnsFlags.HeaderLength]);
        var header = output.WrittenSpan.ToArray();
        if (cut)
        {
            // What the upstream said of the rest of the chain (NXDOMAIN, AD) is not what our zone will say.
            header[3] &= unchecked((byte)~(DnsFlags.RcodeMask | DnsFlags.AuthenticData));
        }

        output.Write(qname);
        output.Write(response.Slice(questionEnd - 4, 4));
        ushort answers = 0, authority = 0;
        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        for (var i = 0; i < records.Count; i++)
        {
            if (!kept[i])
            {
                continue;
            }

            var record = records[i];
            var at = record.Start;
            var length = MessageReader.ReadName(response, ref at, name);

            // The question's own name points at the question, which serving overwrites with the client's bytes (0x20).
            if (Key(name[..length]) == chain0)
            {
                output.Write<byte>([0xC0, DnsFlags.HeaderLength]);
            }
            else
            {
                output.Write(name[..length]);
            }

            output.Write(response.Slice(at, 8));
            var rdata = ExpandRdata(response, record);
            var rdLength = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(rdLength, (ushort)rdata.Length);
            output.Write(rdLength);
            output.Write(rdata);
            _ = i < answerCount ? answers++ : authority++;
        }

        var message = output.WrittenSpan.ToArray();
        header.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), answers);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(8), authority);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), 0);
        return message;
    }

    /// <summary>RDATA with the names RFC 1035 lets a server compress written out whole; other types as they came (RFC 3597 4).</summary>
    private static byte[] ExpandRdata(ReadOnlySpan<byte> response, Record record)
    {
        var (prefix, names) = record.Type switch
        {
            RecordType.CNAME or RecordType.DNAME or RecordType.NS or RecordType.PTR => (0, 1),
            RecordType.MX => (2, 1),
            RecordType.SOA => (0, 2),
            _ => (0, 0),
        };
        var rdata = response[record.RdataStart..record.End];
        if (names == 0)
        {
            return rdata.ToArray();
        }

        var output = new ArrayBufferWriter<byte>(rdata.Length + 64);
        output.Write(rdata[..prefix]);
        var at = record.RdataStart + prefix;
        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        for (var n = 0; n < names; n++)
        {
            output.Write(name[..MessageReader.ReadName(response, ref at, name)]);
        }

        output.Write(response[at..record.End]);
        return output.WrittenSpan.ToArray();
    }

    private static bool TryReadRecords(ReadOnlySpan<byte> response, int offset, int count, out List<Record> records)
    {
        records = new List<Record>(count);
        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        for (var i = 0; i < count; i++)
        {
            var start = offset;
            var length = MessageReader.ReadName(response, ref offset, name);
            if (length < 0 || offset + 10 > response.Length)
            {
                return false;
            }

            var type = MessageReader.ReadUInt16(response, offset);
            var rdataStart = offset + 10;
            var end = rdataStart + MessageReader.ReadUInt16(response, offset + 8);
            if (end > response.Length)
            {
                return false;
            }

            var owner = Key(name[..length]);
            string? target = null;
            if (type is RecordType.CNAME or RecordType.DNAME)
            {
                var at = rdataStart;
                var targetLength = MessageReader.ReadName(response, ref at, name);
                if (targetLength < 0 || at > end)
                {
                    return false;
                }

                target = Key(name[..targetLength]);
            }

            var pointsAtQuestion = response[start] == 0xC0 && response[start + 1] == DnsFlags.HeaderLength;
            records.Add(new Record(start, rdataStart, end, owner, type, target, pointsAtQuestion));
            offset = end;
        }

        return true;
    }

    /// <summary>A name in uncompressed wire form as a <see cref="DnsName"/> key: lowercased labels without the root byte.</summary>
    private static string Key(ReadOnlySpan<byte> wire)
    {
        var key = new char[wire.Length - 1];
        for (var i = 0; i < key.Length; i++)
        {
            var b = wire[i];
            key[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }

        return new string(key);
    }

    private sealed record Record(int Start, int RdataStart, int End, string Owner, ushort Type, string? Target, bool OwnerPointsAtQuestion);
}
