using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class AfterLoadCollectorTests
{
    private readonly ConnectionTracker _tracker = new(100_000);
    private readonly AfterLoadCollector _collector;

    public AfterLoadCollectorTests() => _collector = new AfterLoadCollector(_tracker, TimeProvider.System, NullLogger<AfterLoadCollector>.Instance);

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
