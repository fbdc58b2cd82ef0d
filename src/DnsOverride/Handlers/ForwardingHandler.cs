using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// Last link: answers everything outside our zones as a caching resolver forwarding to the upstreams, for clients
/// allowed recursion that ask for it (RD=1); an RD=0 query is answered as a resolver with nothing cached answers it,
/// so it cannot snoop on what is cached. A fresh cached answer is served synchronously; no answer in time becomes
/// SERVFAIL, not an exception.
/// </summary>
internal sealed class ForwardingHandler : IQueryHandler
{
    private static readonly ValueTask<bool> Mine = new(true);

    private readonly CachingResolver _resolver;

    public ForwardingHandler(CachingResolver resolver) => _resolver = resolver;

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
            ResponseBuilder.WriteCached(context, answer, age, stale: false);
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
        ResponseBuilder.WriteCached(context, answer, _resolver.Age(answer), resolution.Stale);
        return true;
    }
}
