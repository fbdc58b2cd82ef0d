using System.Buffers.Binary;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Tsig;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Transfers;

/// <summary>
/// The messages of one zone transfer (RFC 5936): the SOA, every other record, the SOA again, packed into messages
/// of up to <see cref="MessageLimit"/> bytes; the question only in the first. It reads one zone object, the version
/// in service when the transfer began, so a reload meanwhile changes nothing in it. Signed transfers sign every
/// message, each chained to the one before (RFC 8945 5.3.1); the first is signed with the other answers.
/// </summary>
internal sealed class ZoneTransfer : IFollowingMessages
{
    /// <summary>Big enough to keep the message count (and MACs) low, small enough to start sending early.</summary>
    private const int MessageLimit = 32 * 1024;

    private readonly IEnumerator<(string Owner, ReadOnlyMemory<byte> Record)> _records;
    private readonly TsigKey? _key;
    private readonly TimeProvider _time;
    private bool _pending;
    private bool _done;

    public ZoneTransfer(Zone zone, TsigKey? key, TimeProvider time)
    {
        _records = Records(zone).GetEnumerator();
        _key = key;
        _time = time;
    }

    /// <summary>The records a transfer of <paramref name="zone"/> carries, in order; each is type, class, TTL, length and data.</summary>
    public static IEnumerable<(string Owner, ReadOnlyMemory<byte> Record)> Records(Zone zone)
    {
        var soa = zone.Find(zone.Origin.Key)!.Get(RecordType.SOA)!.Encoded;
        yield return (zone.Origin.Key, soa);
        foreach (var (owner, node) in zone.Nodes)
        {
            // By index: the sets are a span, which an iterator cannot hold across a yield.
            for (var i = 0; i < node.Sets.Length; i++)
            {
                var set = node.Sets[i];
                if (set.Type == RecordType.SOA && owner.Length == zone.Origin.Key.Length)
                {
                    continue;
                }

                var encoded = set.Encoded.AsMemory();
                while (!encoded.IsEmpty)
                {
                    var length = 10 + BinaryPrimitives.ReadUInt16BigEndian(encoded.Span[8..]);
                    yield return (owner, encoded[..length]);
                    encoded = encoded[length..];
                }
            }
        }

        yield return (zone.Origin.Key, soa);
    }

    public void WriteFirst(QueryContext context) => Write(context, first: true);

    public bool TryWriteNext(QueryContext context)
    {
        if (_done)
        {
            return false;
        }

        Write(context, first: false);
        if (_key is not null)
        {
            TsigHandler.SignNext(context, _key, following: true, _time);
        }

        return true;
    }

    private void Write(QueryContext context, bool first)
    {
        var limit = MessageLimit - (_key is null ? 0 : TsigSigner.Room(_key));
        var writer = new MessageWriter(context.Response, limit);
        writer.WriteBytes(context.Request.AsSpan(0, first ? context.Query.QuestionEnd : DnsFlags.HeaderLength));
        ushort count = 0;
        while (true)
        {
            if (!_pending)
            {
                if (!_records.MoveNext())
                {
                    _done = true;
                    break;
                }

                _pending = true;
            }

            var (owner, record) = _records.Current;
            if (writer.Position + owner.Length + 1 + record.Length > limit && count > 0)
            {
                break;
            }

            writer.WriteNameKey(owner);
            writer.WriteBytes(record.Span);
            _pending = false;
            count++;
        }

        writer.PatchUInt16(2, (ushort)(DnsFlags.Response | DnsFlags.Authoritative | (context.Query.Flags & DnsFlags.RecursionDesired)));
        writer.PatchUInt16(4, (ushort)(first ? 1 : 0));
        writer.PatchUInt16(6, count);
        writer.PatchUInt16(8, 0);
        writer.PatchUInt16(10, 0);
        context.Rcode = ResponseCode.NoError;
        context.ResponseLength = writer.Position;
    }
}
