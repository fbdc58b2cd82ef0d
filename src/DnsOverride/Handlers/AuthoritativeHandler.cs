using System.Buffers;
using System.Buffers.Binary;
using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// Answers every name inside our zones from the current zone set; such names are never forwarded.
/// With RD=1, a CNAME chain that leaves our zones is finished through the upstreams, as a resolver would, and a name
/// that does not exist in a transparent zone (<see cref="ZoneSet.Transparent"/>, from the zones folder) is forwarded.
/// </summary>
internal sealed class AuthoritativeHandler : IQueryHandler
{
    private const ushort ClassIn = 1;
    private static readonly ValueTask<bool> Mine = new(true);
    private static readonly ValueTask<bool> Next = new(false);

    private readonly ZoneStore _zones;
    private readonly CachingResolver _resolver;
    private readonly HealthMonitor _health;
    public AuthoritativeHandler(ZoneStore zones, CachingResolver resolver, HealthMonitor health)
    {
        _zones = zones;
        _resolver = resolver;
        _health = health;
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
        var zones = _zones.Current;
        zones.Lookup(context.QName, query.QType, ref result, followAcrossZones: recursive);
        if (result.Outcome == LookupOutcome.NotAuthoritative)
        {
            return Next;
        }

        if (result.Outcome == LookupOutcome.NameError && recursive && result.AnswerCount == 0 && zones.Transparent.Contains(result.QueryZone!.Origin))
        {
            return Next;
        }

        context.ZoneName = result.QueryZone!.Name;
        if (result.Outcome == LookupOutcome.ExternalCname && recursive)
        {
            return ChaseAsync(context, result, cancellationToken);
        }

        _health.Apply(ref result);
        context.Decision = result.Outcome == LookupOutcome.Delegation ? QueryDecision.Referral : QueryDecision.Authoritative;
        context.RateLimitSubject = result.Outcome == LookupOutcome.Delegation ? result.Referral : result.AnswerCount > 0 ? result.Answers[0].Set : null;
        ResponseBuilder.WriteAnswer(context, ref result);
        return Mine;
    }

    private async ValueTask<bool> ChaseAsync(QueryContext context, LookupResult result, CancellationToken cancellationToken)
    {
        var target = result.ExternalTarget!;
        var question = new byte[target.WireLength + 4];
        var offset = target.WriteTo(question);
        BinaryPrimitives.WriteUInt16BigEndian(question.AsSpan(offset), context.Query.QType);
        BinaryPrimitives.WriteUInt16BigEndian(question.AsSpan(offset + 2), ClassIn);
        var bits = CachingResolver.BitsOf(context.Query);
        var resolution = _resolver.TryGetFresh(question, bits, out var cached, out _)
            ? new Resolution(cached, ForwardStatus.Answered, Stale: false, FromCache: true)
            : await _resolver.ResolveAsync(question, bits, cancellationToken).ConfigureAwait(false);
        if (resolution.Answer is not { } answer)
        {
            context.Decision = QueryDecision.ChaseFailed;
            context.ForwardStatus = resolution.Status;
            ResponseBuilder.WriteError(context, ResponseCode.ServFail);
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(QueryContext.MaxMessage);
        try
        {
            var length = answer.WriteTo(buffer, question, _resolver.Age(answer), resolution.Stale);
            context.Decision = QueryDecision.AuthoritativeChased;

            // An upstream chain that comes back into our zones ends with our answer, as the forwarding path's does;
            // a chain of ours that leaves again is not chased twice.
            var back = default(LookupResult);
            if (answer.EntersAt is { } entersAt)
            {
                _zones.Current.Lookup(entersAt, context.Query.QType, ref back, followAcrossZones: true);
                _health.Apply(ref back);
            }

            ResponseBuilder.WriteChasedAnswer(context, ref result, buffer.AsSpan(0, length), ref back, answer.EntersAt);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
