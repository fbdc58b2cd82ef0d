using System.Buffers;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// Answers every name inside our zones from the current zone set; such names are never forwarded.
/// With RD=1, a CNAME chain that leaves our zones is finished through the upstreams, as a resolver would.
/// </summary>
internal sealed class AuthoritativeHandler : IQueryHandler
{
    private const ushort ClassIn = 1;
    private static readonly ValueTask<bool> Mine = new(true);
    private static readonly ValueTask<bool> Next = new(false);

    private readonly ZoneStore _zones;
    private readonly Forwarder _forwarder;

    public AuthoritativeHandler(ZoneStore zones, Forwarder forwarder)
    {
        _zones = zones;
        _forwarder = forwarder;
    }

    public ValueTask<bool> TryServeAsync(QueryContext context, CancellationToken cancellationToken)
    {
        var query = context.Query;
        if (query.QClass != ClassIn)
        {
            return Next;
        }

        var result = default(LookupResult);
        var recursive = query.RecursionDesired && context.RecursionAllowed;
        _zones.Current.Lookup(context.QName, query.QType, ref result, followAcrossZones: recursive);
        if (result.Outcome == LookupOutcome.NotAuthoritative)
        {
            return Next;
        }

        context.ZoneName = result.QueryZone!.Name;
        if (query.QType is RecordType.AXFR or RecordType.IXFR)
        {
            context.Decision = QueryDecision.RefusedTransfer;
            ResponseBuilder.WriteError(context, ResponseCode.Refused);
            return Mine;
        }

        if (result.Outcome == LookupOutcome.ExternalCname && recursive)
        {
            return ChaseAsync(context, result, cancellationToken);
        }

        context.Decision = result.Outcome == LookupOutcome.Delegation ? QueryDecision.Referral : QueryDecision.Authoritative;
        ResponseBuilder.WriteAnswer(context, ref result);
        return Mine;
    }

    private async ValueTask<bool> ChaseAsync(QueryContext context, LookupResult result, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(QueryContext.MaxMessage);
        try
        {
            var answer = await _forwarder.ResolveAsync(result.ExternalTarget!, context.Query.QType, context.Query.DnssecOk, buffer, cancellationToken)
                .ConfigureAwait(false);
            if (answer.Status != ForwardStatus.Answered)
            {
                context.Decision = QueryDecision.ChaseFailed;
                context.ForwardStatus = answer.Status;
                ResponseBuilder.WriteError(context, ResponseCode.ServFail);
                return true;
            }

            context.Decision = QueryDecision.AuthoritativeChased;
            ResponseBuilder.WriteChasedAnswer(context, ref result, buffer.AsSpan(0, answer.Length));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
