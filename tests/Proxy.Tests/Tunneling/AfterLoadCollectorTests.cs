using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class AfterLoadCollectorTests
{
    private readonly ConnectionTracker _tracker = new(100_000);
    private readonly AfterLoadCollector _collector;

    public AfterLoadCollectorTests() => _collector = Collector(minHeapBytes: 0);

    [Fact]
    public void ASpikeThatEndedIsCollectedOnce()
    {
        Open(AfterLoadCollector.MinDrop + 200);
        Assert.False(_collector.Check());

        Close(AfterLoadCollector.MinDrop + 100);

        Assert.True(_collector.Check());
        Assert.False(_collector.Check());
    }

    /// <summary>The peak between two looks counts, even when the look itself sees only the end of it.</summary>
    [Fact]
    public void ASpikeBetweenTwoLooksCounts()
    {
        Assert.False(_collector.Check());

        Open(AfterLoadCollector.MinDrop);
        Close(AfterLoadCollector.MinDrop);

        Assert.True(_collector.Check());
    }

    [Fact]
    public void LoadThatComesAndGoesBelowTheDropIsLeftAlone()
    {
        Open(5000);
        for (var round = 0; round < 5; round++)
        {
            Close(AfterLoadCollector.MinDrop - 1);
            Assert.False(_collector.Check());
            Open(AfterLoadCollector.MinDrop - 1);
        }
    }

    /// <summary>A fall of idle tunnels leaves a small heap: collecting it would give back little and cost the next ones.</summary>
    [Fact]
    public void ASpikeThatLeftASmallHeapIsNotCollected()
    {
        var collector = Collector(minHeapBytes: long.MaxValue);
        Open(AfterLoadCollector.MinDrop);
        Close(AfterLoadCollector.MinDrop);

        Assert.False(collector.Check());
    }

    private AfterLoadCollector Collector(long minHeapBytes) =>
        new(_tracker, TimeProvider.System, NullLogger<AfterLoadCollector>.Instance, minHeapBytes);

    private void Open(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(_tracker.TryEnter());
        }
    }

    private void Close(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _tracker.Exit();
        }
    }
}
