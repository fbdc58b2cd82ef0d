using System.Buffers.Binary;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// Builds an upstream response by hand, byte by byte, so a test controls what real servers vary: compression
/// pointers, TTLs, sections. Owner names are pointers to the question (offset 12) unless given.
/// </summary>
internal sealed class UpstreamMessage
{
    private readonly List<byte> _bytes = [];
    private readonly ushort[] _counts = new ushort[3];

    public UpstreamMessage(string name, ushort type, int rcode = 0, bool authenticData = false, bool truncated = false, ushort id = 0x4242)
    {
        _bytes.AddRange([(byte)(id >> 8), (byte)id, (byte)(0x81 | (truncated ? 0x02 : 0)), (byte)(0x80 | (authenticData ? 0x20 : 0) | rcode), 0, 1, 0, 0, 0, 0, 0, 0]);
        _bytes.AddRange(Name(name));
        _bytes.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        QuestionEnd = _bytes.Count;
    }

    public int QuestionEnd { get; }

    public static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(label.Select(c => (byte)c));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public static byte[] Pointer(int offset) => [(byte)(0xC0 | (offset >> 8)), (byte)offset];

    /// <summary>Appends a record to section 0 (answer), 1 (authority) or 2 (additional); returns its offset.</summary>
    public int Add(int section, ushort type, uint ttl, byte[] rdata, byte[]? owner = null)
    {
        var at = _bytes.Count;
        _bytes.AddRange(owner ?? Pointer(12));
        var fixedPart = new byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, type);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart.AsSpan(4), ttl);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(8), (ushort)rdata.Length);
        _bytes.AddRange(fixedPart);
        _bytes.AddRange(rdata);
        _counts[section]++;
        return at;
    }

    public UpstreamMessage Answer(uint ttl, params byte[] address)
    {
        Add(0, 1, ttl, address);
        return this;
    }

    /// <summary>An SOA in the authority section owned by the question name's parent (given) with the MINIMUM.</summary>
    public UpstreamMessage Soa(uint ttl, uint minimum, string owner = "example.org")
    {
        var rdata = new List<byte>();
        rdata.AddRange(Name("ns." + owner));
        rdata.AddRange(Name("h." + owner));
        var numbers = new byte[20];
        BinaryPrimitives.WriteUInt32BigEndian(numbers, 1);
        BinaryPrimitives.WriteUInt32BigEndian(numbers.AsSpan(16), minimum);
        rdata.AddRange(numbers);
        Add(1, 6, ttl, [.. rdata], Name(owner));
        return this;
    }

    public byte[] ToArray()
    {
        var bytes = _bytes.ToArray();
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6 + (2 * i)), _counts[i]);
        }

        return bytes;
    }
}
