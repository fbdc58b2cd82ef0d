using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// Last link: answers everything outside our zones as a caching resolver forwarding to the upstreams, for clients
/// allowed recursion that ask for it (RD=1); an RD=0 query is answered as a resolver with nothing cached answers it,
/// so it cannot snoop on what is cached. A fresh cached answer is served synchronously; no answer in time becomes
/// SERVFAIL, not an exception. An upstream chain that enters our zones ends with our own answer for the name it
/// entered at, looked up when served.
/// </summary>
internal sealed class ForwardingHandler : IQueryHandler
{
    private static readonly ValueTask<bool> Mine = new(true);

    private readonly CachingResolver _resolver;
    private readonly ZoneStore _zones;
    private readonly HealthMonitor _health;

    public ForwardingHandler(CachingResolver resolver, ZoneStore zones, HealthMonitor health)
    {
        _resolver = resolver;
        _zones = zones;
        _health = health;
    }

    public ValueTask<bool> TryServeAsync(QueryContext context, CancellationToken cancellationToken)
    {
        if (!context.RecursionAllowed)
        {
            context.Decision = QueryDecision.Refused;
            ResponseBuilder.WriteError(context, ResponseCode.Refused);
            return Mine;
        }

        if (!context.Query.RecursionDesired)
        {
            context.Decision = QueryDecision.NotRecursive;
            ResponseBuilder.WriteRootReferral(context);
            return Mine;
        }

        var question = context.Request.AsSpan(DnsFlags.HeaderLength, context.Query.QuestionEnd - DnsFlags.HeaderLength);
        if (_resolver.TryGetFresh(question, CachingResolver.BitsOf(context.Query), out var answer, out var age))
        {
            context.Decision = QueryDecision.Cached;
            Write(context, answer, age, stale: false);
            return Mine;
        }

        return ResolveAsync(context, cancellationToken);
    }

    private async ValueTask<bool> ResolveAsync(QueryContext context, CancellationToken cancellationToken)
    {
        var question = context.Request.AsMemory(DnsFlags.HeaderLength, context.Query.QuestionEnd - DnsFlags.HeaderLength);
        var resolution = await _resolver.ResolveAsync(question, CachingResolver.BitsOf(context.Query), cancellationToken).ConfigureAwait(false);
        if (resolution.Answer is not { } answer)
        {
            context.Decision = QueryDecision.ForwardFailed;
            context.ForwardStatus = resolution.Status;
            ResponseBuilder.WriteError(context, ResponseCode.ServFail);
            return true;
        }

        context.Decision = resolution.Stale ? QueryDecision.Stale : resolution.FromCache ? QueryDecision.Cached : QueryDecision.Forwarded;
        Write(context, answer, _resolver.Age(answer), resolution.Stale);
        return true;
    }

    private void Write(QueryContext context, CachedAnswer answer, TimeSpan age, bool stale)
    {
        if (answer.EntersAt is not { } entersAt)
        {
            ResponseBuilder.WriteCached(context, answer, age, stale);
            return;
        }

        var result = default(LookupResult);
        _zones.Current.Lookup(entersAt, context.Query.QType, ref result, followAcrossZones: true);
        _health.Apply(ref result);
        ResponseBuilder.WriteCachedThenZone(context, answer, age, stale, ref result, entersAt);
    }
}
