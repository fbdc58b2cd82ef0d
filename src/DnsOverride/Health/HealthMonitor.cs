using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Health;

/// <summary>
/// Probes the load balancer addresses that <c>zones/health.json</c> names and leaves the ones that are down out of
/// answers, as Route 53 does with health checks; when every address of an RRset is down, all are returned (fail
/// open). Each instance probes on its own. The checks are read again with every zone reload, and an address that
/// stays keeps its state. Probes go to the zone's own addresses and nowhere else.
/// </summary>
internal sealed class HealthMonitor : IHostedService, IDisposable
{
    /// <summary>Probes one instance runs at most: every probe is a connection every interval, from every instance.</summary>
    public const int MaxTargets = 256;

    private static readonly IReadOnlyDictionary<RecordSet, RecordSet> None = new Dictionary<RecordSet, RecordSet>();

    private readonly ZoneStore _zones;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly DnsMetrics _metrics;
    private readonly ILogger<HealthMonitor> _logger;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero });
    private readonly Lock _lock = new();
    private IReadOnlyList<HealthCheck> _checks = [];
    private Dictionary<string, ProbeTarget> _targets = new(StringComparer.Ordinal);
    private List<(RecordSet Set, ProbeTarget[] Targets)> _monitored = [];
    private IReadOnlyDictionary<RecordSet, RecordSet> _effective = None;

    public HealthMonitor(ZoneStore zones, IOptions<DnsOverrideOptions> options, TimeProvider time, DnsMetrics metrics, ILogger<HealthMonitor> logger)
    {
        _zones = zones;
        _directory = options.Value.Zones;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveHealth(() => Snapshot());
    }

    /// <summary>The addresses of <paramref name="result"/>'s answer, each set as <see cref="Effective"/> says.</summary>
    public void Apply(ref LookupResult result)
    {
        for (var i = 0; i < result.AnswerCount; i++)
        {
            if (result.Answers[i].Set.Type is RecordType.A or RecordType.AAAA)
            {
                result.Answers[i] = result.Answers[i] with { Set = Effective(result.Answers[i].Set) };
            }
        }
    }

    /// <summary>The RRset to answer with in place of <paramref name="set"/>: itself unless some of its addresses are down.</summary>
    public RecordSet Effective(RecordSet set)
    {
        var effective = Volatile.Read(ref _effective);
        return effective.Count == 0 || !effective.TryGetValue(set, out var filtered) ? set : filtered;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _zones.Changed += Changed;
        Changed(ZoneSet.Empty, _zones.Current);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _zones.Changed -= Changed;
        lock (_lock)
        {
            foreach (var target in _targets.Values)
            {
                target.Stopping.Cancel();
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _http.Dispose();

    private void Changed(ZoneSet previous, ZoneSet current)
    {
        var (checks, errors) = HealthChecksReader.ReadFolder(_directory);
        foreach (var error in errors)
        {
            Log.HealthConfigError(_logger, error);
        }

        lock (_lock)
        {
            if (checks is not null && Count(checks, current) is var count and > MaxTargets)
            {
                Log.HealthConfigError(_logger, $"{Path.Combine(_directory, HealthChecksReader.FileName)}: {count} addresses to probe, at most {MaxTargets}; the checks in service stay");
                checks = null;
            }

            _checks = checks ?? _checks;
            var targets = new Dictionary<string, ProbeTarget>(StringComparer.Ordinal);
            var monitored = new List<(RecordSet, ProbeTarget[])>();
            foreach (var (zone, check, set) in AddressSets(_checks, current))
            {
                monitored.Add((set, [.. set.Rdatas.Select(rdata => Target(targets, zone.Name, new IPAddress(rdata), check))]));
            }

            foreach (var (key, old) in _targets)
            {
                if (!targets.ContainsKey(key))
                {
                    old.Stopping.Cancel();
                }
            }

            _targets = targets;
            _monitored = monitored;
            Publish();
        }
    }

    /// <summary>How many probes <paramref name="checks"/> ask for over <paramref name="zones"/>: one per address and check.</summary>
    public static int Count(IReadOnlyList<HealthCheck> checks, ZoneSet zones) =>
        AddressSets(checks, zones).SelectMany(p => p.Set.Rdatas.Select(rdata => ProbeTarget.Describe(new IPAddress(rdata), p.Check)))
            .Distinct(StringComparer.Ordinal).Count();

    /// <summary>The A and AAAA RRsets each check names in <paramref name="zones"/>, with the zone and the check.</summary>
    private static IEnumerable<(Zone Zone, HealthCheck Check, RecordSet Set)> AddressSets(IReadOnlyList<HealthCheck> checks, ZoneSet zones) =>
        from check in checks
        let zone = zones.FindZoneExact(check.Zone)
        where zone is not null
        from owner in check.Names
        from set in zone.Find(owner.Key)?.Sets.ToArray() ?? []
        where set.Type is RecordType.A or RecordType.AAAA
        select (zone, check, set);

    /// <summary>The target for an address and check: the one already probing it, or a new one with its own loop.</summary>
    private ProbeTarget Target(Dictionary<string, ProbeTarget> targets, string zone, IPAddress address, HealthCheck check)
    {
        var key = ProbeTarget.Describe(address, check);
        if (targets.TryGetValue(key, out var target))
        {
            return target;
        }

        if (_targets.TryGetValue(key, out target))
        {
            target.Update(check);
        }
        else
        {
            target = new ProbeTarget(zone, address, check);
            _ = ProbeLoopAsync(target);
        }

        targets[key] = target;
        return target;
    }

    /// <summary>Rebuilds the substitutions: an RRset with some addresses down answers with the rest.</summary>
    private void Publish()
    {
        var effective = new Dictionary<RecordSet, RecordSet>(ReferenceEqualityComparer.Instance);
        foreach (var (set, targets) in _monitored)
        {
            var up = targets.Count(t => t.Up);
            if (up > 0 && up < targets.Length)
            {
                effective[set] = new RecordSet(set.Type, set.Ttl, [.. set.Rdatas.Where((_, i) => targets[i].Up)]);
            }
        }

        Volatile.Write(ref _effective, effective.Count == 0 ? None : effective);
    }

    private async Task ProbeLoopAsync(ProbeTarget target)
    {
        var stopping = target.Stopping.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // One probe per interval from its start, so a slow failing probe does not stretch the time to go down.
                var started = _time.GetTimestamp();
                var (ok, reason) = await ProbeAsync(target, stopping).ConfigureAwait(false);
                lock (_lock)
                {
                    if (target.Record(ok))
                    {
                        _metrics.HealthChanged(target.Up ? "up" : "down");
                        if (target.Up)
                        {
                            Log.HealthUp(_logger, target.Key, target.Zone);
                        }
                        else
                        {
                            Log.HealthDown(_logger, target.Key, target.Zone, reason);
                        }

                        Publish();
                    }
                }

                var rest = target.Check.Interval - _time.GetElapsedTime(started);
                await Task.Delay(rest > TimeSpan.Zero ? rest : TimeSpan.Zero, _time, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // No longer in a zone, or stopping.
        }
    }

    private async Task<(bool Ok, string Reason)> ProbeAsync(ProbeTarget target, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(target.Check.Timeout);
        try
        {
            if (target.Check.HttpPath is { } path)
            {
                using var response = await _http.GetAsync(new Uri($"http://{new IPEndPoint(target.Address, target.Check.Port)}{path}"), timeout.Token).ConfigureAwait(false);
                return response.StatusCode == HttpStatusCode.OK ? (true, "ok") : (false, $"HTTP {(int)response.StatusCode}");
            }

            using var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(target.Address, target.Check.Port), timeout.Token).ConfigureAwait(false);
            return (true, "ok");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (false, "timeout");
        }
        catch (Exception ex) when (ex is SocketException or HttpRequestException)
        {
            return (false, ex is SocketException socket ? socket.SocketErrorCode.ToString() : ex.Message);
        }
    }

    private IEnumerable<(string Zone, string Address, bool Up)> Snapshot()
    {
        lock (_lock)
        {
            return [.. _targets.Values.Select(t => (t.Zone, t.Key, t.Up))];
        }
    }
}
