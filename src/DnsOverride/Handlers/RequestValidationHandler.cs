using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>First link: parses the query and answers what is malformed or unsupported.</summary>
internal sealed class RequestValidationHandler : IQueryHandler
{
    private static readonly ValueTask<bool> Mine = new(true);
    private static readonly ValueTask<bool> Next = new(false);

    public ValueTask<bool> TryServeAsync(QueryContext context, CancellationToken cancellationToken)
    {
        context.ParseStatus = DnsQuery.Parse(context.Request.AsSpan(0, context.RequestLength), context.NameKey, out context.Query);
        switch (context.ParseStatus)
        {
            case QueryParseStatus.Ok:
                return Next;
            case QueryParseStatus.Drop:
                // A response (QR=1) or a runt: answering could feed a loop or a reflection attack.
                context.Decision = QueryDecision.Dropped;
                context.ResponseLength = 0;
                return Mine;
            case QueryParseStatus.NotImp:
                context.Decision = QueryDecision.NotImp;
                ResponseBuilder.WriteError(context, ResponseCode.NotImp);
                return Mine;
            case QueryParseStatus.BadVers:
                context.Decision = QueryDecision.BadVers;
                ResponseBuilder.WriteError(context, ResponseCode.BadVers);
                return Mine;
            default:
                context.Decision = QueryDecision.FormErr;
                ResponseBuilder.WriteError(context, ResponseCode.FormErr);
                return Mine;
        }
    }
}
