using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Endpoints.Proxy.Policy;

/// <summary>Loads the policy at start, then again when the file changes (checked every second) and on SIGHUP.</summary>
public sealed class PolicyWatcher(PolicyStore store, TimeProvider time) : BackgroundService
{
    private PosixSignalRegistration? _sighup;
    private (long Length, DateTime Written) _seen;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _seen = Stamp();
        store.Reload();
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Cancel keeps the runtime's default action (terminate) away: SIGHUP means reload.
            context.Cancel = true;
            ThreadPool.QueueUserWorkItem(_ => store.Reload());
        });
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var stamp = Stamp();
                if (stamp != _seen)
                {
                    _seen = stamp;
                    store.Reload();
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

    private (long, DateTime) Stamp()
    {
        var file = new FileInfo(store.Path);
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, DateTime.MinValue);
    }
}
