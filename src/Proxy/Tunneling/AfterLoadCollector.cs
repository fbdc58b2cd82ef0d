using System.Runtime;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Gives memory back after a load spike. Thousands of connections at once (slow clients with 60 KiB heads, a burst of
/// tunnels) leave their handshake buffers on the large object heap and their objects in the older generations; once
/// they end, an idle proxy allocates too little to start a full collection, and stays at its peak (2,000 slow heads:
/// 65 MB before, 203 MB a minute after they ended). When the connections open have fallen by
/// <see cref="MinDrop"/> or more from the most open since the last collection, one compacting collection of every
/// generation and of the large object heap runs, as the DNS server's zone swap does after a large load, provided the
/// heap holds <see cref="MinHeapBytes"/> or more. A fall of idle tunnels leaves a few MiB (1,000 of them: 10 MiB -> 7
/// MiB); collecting that gives back little and hands the generation-0 budget back too, which the next connections
/// then grow again (bench/proxy.sh's idle tunnels: 4.1 KB each after it, 3.3-3.9 KB without).
/// </summary>
internal sealed class AfterLoadCollector(ConnectionTracker tracker, TimeProvider time, ILogger<AfterLoadCollector> logger, long minHeapBytes)
    : BackgroundService
{
    public const int MinDrop = 1000;
    public const long MinHeapBytes = 32L << 20;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public AfterLoadCollector(ConnectionTracker tracker, TimeProvider time, ILogger<AfterLoadCollector> logger)
        : this(tracker, time, logger, MinHeapBytes)
    {
    }

    private int _high;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Check();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One look at the counts; true when it collected.</summary>
    internal bool Check()
    {
        _high = Math.Max(_high, tracker.TakePeak());
        var open = tracker.Open;
        if (_high - open < MinDrop)
        {
            return false;
        }

        var before = GC.GetTotalMemory(forceFullCollection: false);
        if (before < minHeapBytes)
        {
            _high = open;
            return false;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetTotalMemory(forceFullCollection: false);
        Log.CollectedAfterLoad(logger, _high, open, before >> 20, after >> 20);
        _high = open;
        return true;
    }
}
