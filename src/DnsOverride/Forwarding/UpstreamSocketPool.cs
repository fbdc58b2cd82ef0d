using System.Collections.Concurrent;
using System.Net;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>The idle <see cref="UpstreamSocket"/>s of one upstream, handed out in turn; as many kept as were busy at once, up to a bound.</summary>
internal sealed class UpstreamSocketPool(IPEndPoint upstream, int maxIdle = 1024)
{
    private readonly ConcurrentQueue<UpstreamSocket> _idle = new();

    public UpstreamSocket Rent() => _idle.TryDequeue(out var socket) ? socket : UpstreamSocket.Open(upstream);

    /// <summary>Takes back a socket whose exchange went well; one that has served its uses is closed.</summary>
    public void Return(UpstreamSocket socket)
    {
        if (socket.Reusable && _idle.Count < maxIdle)
        {
            _idle.Enqueue(socket);
        }
        else
        {
            socket.Dispose();
        }
    }
}
