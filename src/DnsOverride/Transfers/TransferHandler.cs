using System.Net;
using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Changes;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Transfers;

/// <summary>
/// Zone transfers to corporate secondaries, before the authoritative link: AXFR (RFC 5936) over TCP, and IXFR
/// (RFC 1995) answered with the SOA alone when the secondary is current (and always over UDP, which sends it to
/// TCP) or with the whole zone otherwise, as RFC 1995 4 allows. Only clients in <c>--allow-transfer</c>, and with a
/// valid TSIG when keys are configured; others get REFUSED (address) or NOTAUTH (no signature). A transparent zone is
/// never transferred (REFUSED, <c>refused-transfer-transparent-zone</c> in the log).
/// </summary>
internal sealed class TransferHandler(ZoneStore zones, IOptions<DnsOverrideOptions> options, TimeProvider time) : IQueryHandler
{
    private static readonly ValueTask<bool> Mine = new(true);
    private static readonly ValueTask<bool> Next = new(false);

    private readonly IPNetwork[] _allowed = options.Value.AllowTransferNetworks;
    private readonly bool _keysRequired = options.Value.TsigKeyRing.Count > 0;

    public ValueTask<bool> TryServeAsync(QueryContext context, CancellationToken cancellationToken)
    {
        var type = context.Query.QType;
        if (type is not (RecordType.AXFR or RecordType.IXFR))
        {
            return Next;
        }

        var set = zones.Current;
        var zone = set.FindZone(context.QName);
        if (zone is null || zone.Origin.Key.Length != context.QName.Length)
        {
            return Answer(context, QueryDecision.NotAuthoritative, ResponseCode.NotAuth);
        }

        context.ZoneName = zone.Name;
        // A full transfer is TCP only (RFC 5936 4.2); over UDP it is a malformed request, as BIND answers it.
        if (type == RecordType.AXFR && context.Transport == DnsTransport.Udp)
        {
            return Answer(context, QueryDecision.FormErr, ResponseCode.FormErr);
        }

        if (!_allowed.ContainsAny(context.RemoteEndPoint.Address))
        {
            return Answer(context, QueryDecision.RefusedTransfer, ResponseCode.Refused);
        }

        if (_keysRequired && context.TsigKey is null)
        {
            return Answer(context, QueryDecision.TsigMissing, ResponseCode.NotAuth);
        }

        // A secondary cannot forward what the zone leaves upstream, and would answer NXDOMAIN for Streams on its own
        // word: a transparent zone is forwarded to us (a conditional forwarder), never copied.
        if (set.Transparent.Contains(zone.Origin))
        {
            return Answer(context, QueryDecision.RefusedTransparentTransfer, ResponseCode.Refused);
        }

        context.Decision = QueryDecision.Transfer;
        if (type == RecordType.IXFR && (context.Transport == DnsTransport.Udp || IsCurrent(context, zone.Serial)))
        {
            var result = default(LookupResult);
            set.Lookup(context.QName, RecordType.SOA, ref result);
            ResponseBuilder.WriteAnswer(context, ref result);
            return Mine;
        }

        var transfer = new ZoneTransfer(zone, context.TsigKey, time);
        transfer.WriteFirst(context);
        context.Following = transfer;
        return Mine;
    }

    private static ValueTask<bool> Answer(QueryContext context, QueryDecision decision, int rcode)
    {
        context.Decision = decision;
        ResponseBuilder.WriteError(context, rcode);
        return Mine;
    }

    /// <summary>Whether the serial of the SOA in the IXFR query's authority section is ours or later (RFC 1982 arithmetic).</summary>
    private static bool IsCurrent(QueryContext context, uint serial)
    {
        var message = context.Request.AsSpan(0, context.RequestLength);
        var offset = context.Query.QuestionEnd;
        var answers = MessageReader.ReadUInt16(message, 6);
        var authority = MessageReader.ReadUInt16(message, 8);
        for (var i = 0; i < answers + authority; i++)
        {
            if (!MessageReader.SkipName(message, ref offset) || offset + 10 > message.Length)
            {
                return false;
            }

            var recordType = MessageReader.ReadUInt16(message, offset);
            var rdStart = offset + 10;
            var rdEnd = rdStart + MessageReader.ReadUInt16(message, offset + 8);
            if (recordType == RecordType.SOA && i >= answers)
            {
                var at = rdStart;
                if (MessageReader.SkipName(message, ref at) && MessageReader.SkipName(message, ref at) && at + 4 <= rdEnd)
                {
                    var theirs = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(message[at..]);
                    return theirs == serial || SerialNumber.IsAfter(theirs, serial);
                }

                return false;
            }

            offset = rdEnd;
        }

        return false;
    }
}
