using System.Collections.Concurrent;
using System.Net.Sockets;
using Endpoints.DnsOverride.Handlers;

namespace Endpoints.DnsOverride.Server;

/// <summary>Reuses query contexts (two 64 KiB buffers each) between queries that went asynchronous.</summary>
internal sealed class QueryContextPool(AddressFamily family, int maxRetained = 64)
{
    private readonly ConcurrentBag<QueryContext> _items = [];

    public QueryContext Rent() => _items.TryTake(out var context) ? context : new QueryContext { UdpRemote = new(family) };

    public void Return(QueryContext context)
    {
        if (_items.Count < maxRetained)
        {
            _items.Add(context);
        }
    }
}
