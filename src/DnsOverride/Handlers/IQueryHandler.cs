namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// One link of the query chain (as CoreDNS's ServeDNS): returns true when it answered ("mine"), false to pass
/// the query on ("next"). Synchronous handlers return completed ValueTasks, which allocate nothing.
/// </summary>
internal interface IQueryHandler
{
    ValueTask<bool> TryServeAsync(QueryContext context, CancellationToken cancellationToken);
}
