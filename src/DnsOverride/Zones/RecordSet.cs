using System.Buffers.Binary;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// An RRset encoded once at load: each record as TYPE, CLASS, TTL, RDLENGTH and RDATA, so that a reply is the
/// owner name followed by a copy of each piece.
/// </summary>
internal sealed class RecordSet
{
    private const ushort ClassIn = 1;

    public RecordSet(ushort type, uint ttl, IReadOnlyList<byte[]> rdatas, IReadOnlyList<DnsName>? names = null)
        : this(type, ttl, Encode(type, ttl, rdatas), rdatas.Count, names)
    {
    }

    /// <summary>An RRset already encoded: <paramref name="count"/> records written by <see cref="Write"/>.</summary>
    public RecordSet(ushort type, uint ttl, byte[] encoded, int count, IReadOnlyList<DnsName>? names)
    {
        Type = type;
        Ttl = ttl;
        Count = count;
        Names = names ?? [];
        Encoded = encoded;
    }

    public ushort Type { get; }

    public uint Ttl { get; }

    public int Count { get; }

    /// <summary>The records after their owner name, back to back.</summary>
    public byte[] Encoded { get; }

    /// <summary>For CNAME: where the chain goes next (its one name; a zone holds no field for it in every set).</summary>
    public DnsName? Target => Type == RecordType.CNAME && Names.Count > 0 ? Names[0] : null;

    /// <summary>The names the records point at (NS, CNAME, MX, SRV), in record order: NS glue, the CNAME chain.</summary>
    public IReadOnlyList<DnsName> Names { get; }

    /// <summary>The RDATA of each record, decoded from <see cref="Encoded"/> (for tests and tools).</summary>
    public IEnumerable<byte[]> Rdatas
    {
        get
        {
            var offset = 0;
            while (offset < Encoded.Length)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(Encoded.AsSpan(offset + 8));
                yield return Encoded.AsSpan(offset + 10, length).ToArray();
                offset += 10 + length;
            }
        }
    }

    /// <summary>Bytes one record with this RDATA takes in <see cref="Encoded"/>.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> rdata) => 10 + rdata.Length;

    /// <summary>Writes one record (everything after its owner name) and returns its length.</summary>
    public static int Write(Span<byte> span, ushort type, uint ttl, ReadOnlySpan<byte> rdata)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span, type);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], ClassIn);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], (ushort)rdata.Length);
        rdata.CopyTo(span[10..]);
        return EncodedLength(rdata);
    }

    private static byte[] Encode(ushort type, uint ttl, IReadOnlyList<byte[]> rdatas)
    {
        var encoded = new byte[rdatas.Sum(r => EncodedLength(r))];
        var offset = 0;
        foreach (var rdata in rdatas)
        {
            offset += Write(encoded.AsSpan(offset), type, ttl, rdata);
        }

        return encoded;
    }
}
