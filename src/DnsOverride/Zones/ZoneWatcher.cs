using System.Runtime.InteropServices;
using Endpoints.DnsOverride.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Loads zones at start, then reloads on SIGHUP and when the directory changes. Polling a snapshot of the
/// directory (names, sizes, times) also catches git checkouts and symlink swaps that inotify can miss.
/// </summary>
public sealed class ZoneWatcher : BackgroundService
{
    private readonly ZoneStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private PosixSignalRegistration? _sighup;
    private string _snapshot = string.Empty;

    public ZoneWatcher(ZoneStore store, TimeProvider time, IOptions<DnsOverrideOptions> options)
    {
        _store = store;
        _time = time;
        _interval = options.Value.ZonePollInterval;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _snapshot = Snapshot(_store.Directory);
        _store.Reload("start");
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Cancel keeps the runtime's default action (terminate) away: SIGHUP means reload.
                context.Cancel = true;
                ThreadPool.QueueUserWorkItem(_ => _store.Reload("SIGHUP"));
            });
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var snapshot = Snapshot(_store.Directory);
                if (snapshot != _snapshot)
                {
                    _snapshot = snapshot;
                    _store.Reload("zone files changed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Dispose()
    {
        _sighup?.Dispose();
        base.Dispose();
    }

    private static string Snapshot(string directory)
    {
        try
        {
            var info = new DirectoryInfo(directory);
            return string.Join('\n', info.EnumerateFiles("*", SearchOption.AllDirectories)
                .OrderBy(f => f.FullName, StringComparer.Ordinal)
                .Select(f => $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
