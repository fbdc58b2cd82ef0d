using System.Net;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Open connections per client address (the PROXY header's source behind a load balancer), so that one source
/// cannot take every connection slot, e.g. with half-open connections.
/// </summary>
internal sealed class SourceLimiter(int limit)
{
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly Lock _lock = new();

    public int Limit => limit;

    public bool TryEnter(IPAddress source)
    {
        lock (_lock)
        {
            var open = _open.GetValueOrDefault(source);
            if (open >= limit)
            {
                return false;
            }

            _open[source] = open + 1;
            return true;
        }
    }

    public void Exit(IPAddress source)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(source, out var open) && open > 1)
            {
                _open[source] = open - 1;
            }
            else
            {
                _open.Remove(source);
            }
        }
    }
}
