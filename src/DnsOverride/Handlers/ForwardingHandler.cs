using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// Last link: relays everything outside our zones to the upstreams, for clients allowed recursion that ask for
/// it (RD=1); an RD=0 query is answered as a resolver with nothing cached answers it, so it cannot snoop on what the
/// upstreams have cached. No answer in time becomes SERVFAIL, not an exception.
/// </summary>
internal sealed class ForwardingHandler : IQueryHandler
{
    private static readonly ValueTask<bool> Mine = new(true);

    private readonly Forwarder _forwarder;

    public ForwardingHandler(Forwarder forwarder) => _forwarder = forwarder;

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

        return ForwardAsync(context, cancellationToken);
    }

    private async ValueTask<bool> ForwardAsync(QueryContext context, CancellationToken cancellationToken)
    {
        var result = await _forwarder.ForwardAsync(context.RequestMessage, context.Response, cancellationToken).ConfigureAwait(false);
        if (result.Status != ForwardStatus.Answered)
        {
            context.Decision = QueryDecision.ForwardFailed;
            context.ForwardStatus = result.Status;
            ResponseBuilder.WriteError(context, ResponseCode.ServFail);
            return true;
        }

        context.Decision = QueryDecision.Forwarded;
        if (result.Length > context.MaxResponseSize)
        {
            // The upstream answered more than this client can take over UDP: TC sends it to TCP.
            context.Query.Flags |= DnsFlags.Truncated;
            ResponseBuilder.WriteError(context, context.Response[3] & DnsFlags.RcodeMask);
            return true;
        }

        // We answer as a resolver: recursion available, and not authoritative for what we relay.
        context.Response[2] &= unchecked((byte)~(DnsFlags.Authoritative >> 8));
        context.Response[3] |= (byte)DnsFlags.RecursionAvailable;
        context.Rcode = context.Response[3] & DnsFlags.RcodeMask;
        context.ResponseLength = result.Length;
        return true;
    }
}
