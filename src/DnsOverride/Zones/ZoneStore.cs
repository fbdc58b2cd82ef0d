using Endpoints.Common.Hosting;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Holds the zone set in service. A reload builds a whole new set and swaps one reference, so a query sees
/// either the old set or the new one, never a mix.
/// </summary>
internal sealed class ZoneStore : LastGoodStore<ZoneSet>
{
    /// <summary>Names in a set past which a swap returns the memory of the load and of the set it replaced to the system.</summary>
    private const int LargeSetNames = 100_000;

    private readonly string _directory;
    private readonly ZoneLimits _limits;
    private readonly ILogger<ZoneStore> _logger;
    private readonly DnsMetrics _metrics;

    public ZoneStore(IOptions<DnsOverrideOptions> options, ILogger<ZoneStore> logger, DnsMetrics metrics)
        : base(ZoneSet.Empty)
    {
        metrics.ObserveZoneSerials(() => Current.Zones.Select(z => (z.Name, z.Serial)));
        _directory = options.Value.Zones;
        _limits = options.Value.ZoneLimits;
        _logger = logger;
        _metrics = metrics;
    }

    public string Directory => _directory;

    /// <summary>What the last reload found, for tests and diagnostics.</summary>
    public ZoneLoadReport? LastReport { get; private set; }

    /// <summary>Raised after each swap with the set replaced and the set now in service (NOTIFY listens).</summary>
    public event Action<ZoneSet, ZoneSet>? Changed;

    /// <summary>
    /// A load of a large zone leaves its parse garbage and the replaced set behind; a compacting collection gives
    /// that back at once rather than leaving the process at its peak (a 1,000,000-record zone: 820 MB to 400 MB).
    /// </summary>
    protected override void Swapped(ZoneSet previous, ZoneSet current)
    {
        // Each listener on its own: health checks that fail to read must not keep NOTIFY from going out.
        foreach (var listener in Changed?.GetInvocationList().Cast<Action<ZoneSet, ZoneSet>>() ?? [])
        {
            try
            {
                listener(previous, current);
            }
#pragma warning disable CA1031 // the new zones are in service whatever a listener does; Failed logs and counts it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Failed("after the swap", ex);
            }
        }

        if (previous.Zones.Sum(z => z.Nodes.Count) + current.Zones.Sum(z => z.Nodes.Count) >= LargeSetNames)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>Always a new set: a file that failed keeps its last good zone inside it (<see cref="ZoneLoader"/>).</summary>
    protected override ZoneSet Load(string reason, ZoneSet current)
    {
        Log.Reloading(_logger, reason);
        var report = ZoneLoader.Load(_directory, _limits, current);
        foreach (var error in report.Errors)
        {
            if (error.IsWarning)
            {
                Log.ZoneWarning(_logger, error);
            }
            else
            {
                Log.ZoneError(_logger, error);
            }
        }

        foreach (var file in report.FailedFiles)
        {
            _metrics.ZoneLoadFailure(Path.GetFileName(file));
            Log.ZoneFileFailed(_logger, file, report.KeptFiles.Contains(file) ? "serving its last good version" : "zone not served");
        }

        foreach (var zone in report.Zones.Zones.Where(z => !report.KeptFiles.Contains(z.File)))
        {
            _metrics.ZoneLoaded(zone.Name);
        }

        _metrics.ZoneReload(report.Success);
        if (_logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // guarded by IsEnabled just above, which the analyzer does not see through
            Log.ZonesLoaded(_logger, report.Zones.Zones.Count, _directory, report.Commit ?? "unknown",
                string.Join(", ", report.Zones.Zones.Select(z => $"{z.Name} (serial {z.Serial})").Order(StringComparer.Ordinal)));
#pragma warning restore CA1873
        }

        LastReport = report;
        return report.Zones;
    }

    protected override void Failed(string reason, Exception exception)
    {
        _metrics.ZoneReload(success: false);
        Log.ZoneReloadFailed(_logger, reason, exception);
    }
}
