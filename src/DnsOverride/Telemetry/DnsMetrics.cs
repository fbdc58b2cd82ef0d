using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Endpoints.Common.Telemetry;
using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Telemetry;

/// <summary>Every metric of the DNS server, in one place (meter <c>Endpoints.DnsOverride</c>).</summary>
internal sealed class DnsMetrics : IDisposable
{
    public const string MeterName = "Endpoints.DnsOverride";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<(string Zone, ushort Type, int Rcode, QueryDecision Decision, ForwardStatus Status), StrongBox<long>> _queries = new();
    private readonly Histogram<double> _queryDuration;
    private readonly Histogram<int> _responseSize;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _forwarded;
    private readonly Histogram<double> _forwardLatency;
    private readonly Counter<long> _upstreamFailures;
    private readonly Counter<long> _zoneReloads;
    private readonly Counter<long> _zoneLoadFailures;
    private readonly Counter<long> _zoneLoads;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _notifies;
    private readonly Counter<long> _healthChanges;

    public DnsMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableCounter("dns.queries", ObserveQueries, "{query}", "Queries answered, by zone, type, rcode and decision");
        _queryDuration = _meter.CreateHistogram<double>("dns.query.duration", "s", "Time from a query's arrival to its answer");
        _responseSize = _meter.CreateHistogram<int>("dns.response.size", "By", "Size of the answers sent");
        _upstreamDuration = _meter.CreateHistogram<double>("dns.upstream.duration", "s", "Time for an upstream to answer one attempt, by upstream");
        _forwarded = _meter.CreateCounter<long>("dns.forwarded", "{query}", "Queries relayed to an upstream, by outcome");
        _forwardLatency = _meter.CreateHistogram<double>("dns.forward.duration", "s", "Time to get an upstream answer, by outcome");
        _upstreamFailures = _meter.CreateCounter<long>("dns.upstream.failures", "{failure}", "Upstream timeouts and errors, by upstream");
        _zoneReloads = _meter.CreateCounter<long>("dns.zone.reloads", "{reload}", "Zone directory loads, by result");
        _zoneLoads = _meter.CreateCounter<long>("dns.zone.loads", "{load}", "Zones loaded from their file, by zone");
        _zoneLoadFailures = _meter.CreateCounter<long>("dns.zone.load_failures", "{file}", "Zone files that failed to load");
        _dropped = _meter.CreateCounter<long>("dns.dropped", "{packet}", "Packets not answered (responses, runts, overload)");
        ProcessMetrics.Register(_meter, typeof(DnsMetrics).Assembly);
        _healthChanges = _meter.CreateCounter<long>("dns.health.changes", "{change}", "Health-checked addresses going down or up, by the new state");
        _notifies = _meter.CreateCounter<long>("dns.notifies", "{notify}", "NOTIFY messages to secondaries, by result (acknowledged, unacknowledged)");
        _rateLimited = _meter.CreateCounter<long>("dns.rate_limited", "{response}", "UDP responses over the rate limit, by action (drop, slip, log-only)");
    }

    /// <summary>
    /// Counted in our own slots and read by the exporter when it collects: a tagged Counter.Add per query cost
    /// 5% of the authoritative throughput (bench/README.md).
    /// </summary>
    public void Query(string zone, ushort type, int rcode, QueryDecision decision, ForwardStatus status, double seconds, int size)
    {
        // Unknown types share one slot, so random QTYPEs cannot grow the table; the forward status only where it says why.
        var why = decision is QueryDecision.ForwardFailed or QueryDecision.ChaseFailed ? status : ForwardStatus.Answered;
        var key = (zone, RecordType.IsKnown(type) ? type : (ushort)0, rcode, decision, why);
        if (!_queries.TryGetValue(key, out var slot))
        {
            slot = _queries.GetOrAdd(key, _ => new StrongBox<long>());
        }

        Interlocked.Increment(ref slot.Value);
        _queryDuration.Record(seconds);
        _responseSize.Record(size);
    }

    private IEnumerable<Measurement<long>> ObserveQueries() =>
        _queries.Select(q => new Measurement<long>(
            Volatile.Read(ref q.Value.Value),
            new("zone", q.Key.Zone), new("type", RecordType.ToName(q.Key.Type)), new("rcode", ResponseCode.ToName(q.Key.Rcode)),
            new("decision", QueryDecisions.Word(q.Key.Decision, q.Key.Status))));

    public void UpstreamAnswered(string upstream, double seconds) =>
        _upstreamDuration.Record(seconds, new KeyValuePair<string, object?>("upstream", upstream));

    public void Forwarded(string outcome, double seconds)
    {
        _forwarded.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _forwardLatency.Record(seconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>1 for each upstream in rotation, 0 while it is backing off (<c>dns.upstream.up</c>).</summary>
    public void ObserveUpstreams(Func<IEnumerable<(string Upstream, bool Up)>> upstreams) =>
        _meter.CreateObservableGauge("dns.upstream.up", () => upstreams().Select(u => new Measurement<int>(u.Up ? 1 : 0, new KeyValuePair<string, object?>("upstream", u.Upstream))),
            "{upstream}", "1 while the upstream is in rotation, 0 while it backs off");

    public void ObserveTcpConnections(Func<long> open) =>
        _meter.CreateObservableUpDownCounter("dns.tcp.connections", open, "{connection}", "TCP connections open");

    /// <summary>What /readyz says, as 1 or 0, so alerts need no probe of their own.</summary>
    public void ObserveReadiness(Func<bool> ready) =>
        _meter.CreateObservableGauge("dns.ready", () => ready() ? 1 : 0, "{state}", "1 when /readyz answers 200");

    public void UpstreamFailure(string upstream, string reason) =>
        _upstreamFailures.Add(1, new("upstream", upstream), new("reason", reason));

    public void ZoneReload(bool success) => _zoneReloads.Add(1, new KeyValuePair<string, object?>("result", success ? "ok" : "failed"));

    public void ZoneLoaded(string zone) => _zoneLoads.Add(1, new KeyValuePair<string, object?>("zone", zone));

    public void ZoneLoadFailure(string file) => _zoneLoadFailures.Add(1, new KeyValuePair<string, object?>("file", file));

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>The serial of each zone in service (<c>dns.zone.serial</c>), so an operator sees every instance converge on a change.</summary>
    public void ObserveZoneSerials(Func<IEnumerable<(string Zone, uint Serial)>> serials) =>
        _meter.CreateObservableGauge("dns.zone.serial", () => serials().Select(s => new Measurement<long>(s.Serial, new KeyValuePair<string, object?>("zone", s.Zone))),
            "{serial}", "SOA serial of each zone in service");

    /// <summary>The forwarding cache, read when the exporter collects: nothing is added per lookup.</summary>
    public void ObserveCache(CachingResolver resolver, ResponseCache cache)
    {
        _meter.CreateObservableCounter("dns.cache.hits", () => resolver.Hits, "{lookup}", "Forwarded questions answered fresh from the cache");
        _meter.CreateObservableCounter("dns.cache.misses", () => resolver.Misses, "{lookup}", "Forwarded questions that needed an upstream (stale answers included)");
        _meter.CreateObservableCounter("dns.cache.stale_answers", () => resolver.StaleAnswers, "{answer}", "Expired answers served because no upstream answered in time (RFC 8767)");
        _meter.CreateObservableCounter("dns.cache.prefetches", () => resolver.Prefetches, "{fetch}", "Entries refreshed before expiry because they were asked for near it");
        _meter.CreateObservableCounter("dns.cache.evictions", () => cache.Evictions, "{entry}", "Entries dropped to stay within the cache size");
        _meter.CreateObservableUpDownCounter("dns.cache.entries", () => (long)cache.Count, "{entry}", "Answers in the cache");
        _meter.CreateObservableUpDownCounter("dns.cache.size", () => cache.Bytes, "By", "Bytes the cached answers take, as counted against --cache-size");
    }

    /// <summary>1 for each probed load balancer address that is up, 0 while it is left out of answers (<c>dns.health.up</c>).</summary>
    public void ObserveHealth(Func<IEnumerable<(string Zone, string Address, bool Up)>> targets) =>
        _meter.CreateObservableGauge("dns.health.up", () => targets().Select(t => new Measurement<int>(t.Up ? 1 : 0, new("zone", t.Zone), new("target", t.Address))),
            "{target}", "1 while a health-checked address is up, 0 while answers leave it out");

    public void HealthChanged(string state) => _healthChanges.Add(1, new KeyValuePair<string, object?>("state", state));

    public void Notified(string result) => _notifies.Add(1, new KeyValuePair<string, object?>("result", result));

    public void RateLimited(string action) => _rateLimited.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Dispose() => _meter.Dispose();
}
