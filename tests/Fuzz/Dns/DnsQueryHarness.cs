using System.Buffers.Binary;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.Fuzz.Dns;

/// <summary>
/// The query reader every UDP and TCP query goes through first. A query it accepts, written again from what it read
/// (header, question, OPT), reads back to the same thing: the reader keeps nothing it did not check.
/// </summary>
internal sealed class DnsQueryHarness : IHarness
{
    private readonly char[] _key = new char[DnsName.MaxWireLength + 1];
    private readonly char[] _again = new char[DnsName.MaxWireLength + 1];
    private readonly byte[] _rewritten = new byte[DnsName.MaxWireLength + 64];

    public string Name => "dns-query";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bound = AllocationBound.Start(input.Length);
        var status = DnsQuery.Parse(input, _key, out var query);
        bound.Check(Name);
        if (status != QueryParseStatus.Ok || query.TsigStart != 0)
        {
            return;
        }

        PropertyViolation.Unless(query.QuestionEnd <= input.Length && query.QNameKeyLength <= DnsName.MaxWireLength, "question past the message");
        var length = Rewrite(query, _key.AsSpan(0, query.QNameKeyLength));
        var again = DnsQuery.Parse(_rewritten.AsSpan(0, length), _again, out var reread);
        PropertyViolation.Unless(again == QueryParseStatus.Ok, $"the rewritten query reads as {again}");
        PropertyViolation.Unless(
            reread.Id == query.Id && reread.Flags == query.Flags && reread.QType == query.QType && reread.QClass == query.QClass
            && reread.HasEdns == query.HasEdns && reread.EdnsPayload == query.EdnsPayload && reread.DnssecOk == query.DnssecOk
            && _again.AsSpan(0, reread.QNameKeyLength).SequenceEqual(_key.AsSpan(0, query.QNameKeyLength)),
            "the rewritten query reads differently");
    }

    private int Rewrite(in DnsQuery query, ReadOnlySpan<char> key)
    {
        var writer = new MessageWriter(_rewritten, _rewritten.Length);
        writer.WriteUInt16(query.Id);
        writer.WriteUInt16(query.Flags);
        writer.WriteUInt16(1);
        writer.WriteUInt16(0);
        writer.WriteUInt16(0);
        writer.WriteUInt16(query.HasEdns ? (ushort)1 : (ushort)0);
        writer.WriteNameKey(key);
        writer.WriteUInt16(query.QType);
        writer.WriteUInt16(query.QClass);
        if (query.HasEdns)
        {
            Span<byte> opt = [0, 0, 41, 0, 0, 0, 0, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt16BigEndian(opt[3..], query.EdnsPayload);
            opt[6] = query.EdnsVersion;
            opt[7] = query.DnssecOk ? (byte)0x80 : (byte)0;
            writer.WriteBytes(opt);
        }

        PropertyViolation.Unless(!writer.Overflowed, "the rewritten query does not fit");
        return writer.Position;
    }
}
