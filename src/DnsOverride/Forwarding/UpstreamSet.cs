using System.Net;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Logging;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// The upstreams and their health: the order one forward tries them in, and what an answer or a failure does to an
/// upstream's standing, logged and counted when it changes.
/// </summary>
internal sealed class UpstreamSet
{
    private readonly Upstream[] _upstreams;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DnsMetrics _metrics;
    private int _next;

    public UpstreamSet(IEnumerable<IPEndPoint> endpoints, TimeProvider time, ILogger logger, DnsMetrics metrics)
    {
        _upstreams = endpoints.Select(e => new Upstream(e)).ToArray();
        _time = time;
        _logger = logger;
        _metrics = metrics;
        metrics.ObserveUpstreams(() => _upstreams.Select(u => (u.Name, u.IsHealthy)));
    }

    public IReadOnlyList<Upstream> All => _upstreams;

    /// <summary>Closes idle pooled sockets; true while some remain.</summary>
    public bool TrimSockets()
    {
        var idle = false;
        foreach (var upstream in _upstreams)
        {
            idle |= upstream.Sockets.Trim();
        }

        return idle;
    }

    /// <summary>
    /// Healthy upstreams, rotating the start so load spreads. An upstream whose back-off has expired goes first, as
    /// the one probe: it must see a real query to come back, and healthy ones are there if it fails.
    /// </summary>
    public List<Upstream> Order()
    {
        var now = _time.GetUtcNow();
        var first = (int)((uint)Interlocked.Increment(ref _next) % (uint)Math.Max(_upstreams.Length, 1));
        var order = new List<Upstream>(_upstreams.Length);
        for (var i = 0; i < _upstreams.Length; i++)
        {
            var upstream = _upstreams[(first + i) % _upstreams.Length];
            if (upstream.IsHealthy)
            {
                order.Add(upstream);
            }
            else if (upstream.TryStartProbe(now))
            {
                Log.UpstreamProbe(_logger, upstream.Name);
                order.Insert(0, upstream);
            }
        }

        return order;
    }

    public void Answered(Upstream upstream, TimeSpan elapsed)
    {
        _metrics.UpstreamAnswered(upstream.Name, elapsed.TotalSeconds);
        if (upstream.Succeeded())
        {
            Log.UpstreamUp(_logger, upstream.Name);
        }
    }

    public void Failed(Upstream upstream, ForwardStatus status, ReadOnlySpan<byte> query, int questionEnd, long answersAtSend)
    {
        _metrics.UpstreamFailure(upstream.Name, status.Word());
        Log.UpstreamFailed(_logger, upstream.Name, status.Word());
        int? timedOutQuestion = status == ForwardStatus.Timeout && questionEnd > DnsFlags.HeaderLength
            ? QuestionKey.Hash(query[DnsFlags.HeaderLength..questionEnd])
            : null;
        var wasHealthy = upstream.IsHealthy;
        if (upstream.Failed(_time.GetUtcNow(), timedOutQuestion, answersAtSend) is not { } backoff)
        {
            return;
        }

        if (wasHealthy)
        {
            Log.UpstreamDown(_logger, upstream.Name, backoff.TotalSeconds, Upstream.FailureThreshold);
        }
        else
        {
            Log.UpstreamProbeFailed(_logger, upstream.Name, backoff.TotalSeconds);
        }
    }
}
