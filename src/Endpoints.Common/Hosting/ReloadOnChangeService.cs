using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Endpoints.Common.Hosting;

/// <summary>
/// Loads something at start, then reloads it on SIGHUP and whenever a fingerprint of <see cref="WatchedPath"/>
/// (a file, or every file below a directory: names, sizes, times) changes. Polling catches git checkouts and
/// symlink swaps that inotify can miss.
/// </summary>
public abstract class ReloadOnChangeService(TimeProvider time, TimeSpan interval) : BackgroundService
{
    private PosixSignalRegistration? _sighup;
    private string _fingerprint = string.Empty;

    protected abstract string WatchedPath { get; }

    protected abstract void Reload(string reason);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _fingerprint = Fingerprint(WatchedPath);
        Reload("start");
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Cancel keeps the runtime's default action (terminate) away: SIGHUP means reload.
                context.Cancel = true;
                ThreadPool.QueueUserWorkItem(_ => Reload("SIGHUP"));
            });
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var fingerprint = Fingerprint(WatchedPath);
                if (fingerprint != _fingerprint)
                {
                    _fingerprint = fingerprint;
                    Reload("files changed");
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
        GC.SuppressFinalize(this);
    }

    private static string Fingerprint(string path)
    {
        try
        {
            var files = Directory.Exists(path)
                ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal)
                : Enumerable.Repeat(new FileInfo(path), 1).Where(f => f.Exists);
            // A swapped symlink (git-sync's layout) changes the fingerprint even when the files look alike.
            var target = new DirectoryInfo(path).LinkTarget;
            return target + "\n" + string.Join('\n', files.Select(f => $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
