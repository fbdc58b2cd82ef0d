using System.Net;
using Endpoints.Proxy.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

public sealed class FailureLimiterTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("10.1.2.3");

    [Fact]
    public void TheTenthFailureWithinAMinuteBlocksTheSourceForAMinute()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailureLimiter(time);

        var blockedAt = Enumerable.Range(1, 10).Select(_ =>
        {
            time.Advance(TimeSpan.FromSeconds(5));
            return limiter.Failed(Guesser);
        }).ToList();

        Assert.Equal([false, false, false, false, false, false, false, false, false, true], blockedAt);
        Assert.True(limiter.IsBlocked(Guesser));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("10.1.2.4")));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(limiter.IsBlocked(Guesser));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(limiter.IsBlocked(Guesser));
    }

    [Fact]
    public void FailuresSpreadOverMoreThanAMinuteDoNotBlock()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailureLimiter(time);

        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromSeconds(7));
            Assert.False(limiter.Failed(Guesser));
        }

        Assert.False(limiter.IsBlocked(Guesser));
    }

    [Fact]
    public void ChecksInFlightCountAsFailuresUntilTheyEnd()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailureLimiter(time);
        for (var i = 0; i < FailureLimiter.MaxFailures - 1; i++)
        {
            Assert.False(limiter.Failed(Guesser));
        }

        Assert.Equal(FailureLimiter.Admission.Reserved, limiter.TryReserve(Guesser));
        Assert.Equal(FailureLimiter.Admission.Blocked, limiter.TryReserve(Guesser));
        Assert.False(limiter.IsBlocked(Guesser));

        Assert.False(limiter.Complete(Guesser, failed: false));
        Assert.Equal(FailureLimiter.Admission.Reserved, limiter.TryReserve(Guesser));
        Assert.True(limiter.Complete(Guesser, failed: true));
        Assert.True(limiter.IsBlocked(Guesser));
    }

    [Fact]
    public void ASourceHasAtMostTwoChecksInFlight()
    {
        var limiter = new FailureLimiter(new FakeTimeProvider());

        Assert.Equal(FailureLimiter.Admission.Reserved, limiter.TryReserve(Guesser));
        Assert.Equal(FailureLimiter.Admission.Reserved, limiter.TryReserve(Guesser));
        Assert.Equal(FailureLimiter.Admission.Busy, limiter.TryReserve(Guesser));
        Assert.Equal(FailureLimiter.Admission.Reserved, limiter.TryReserve(IPAddress.Parse("10.1.2.4")));

        limiter.Complete(Guesser, failed: true);

        Assert.Equal(FailureLimiter.Admission.Reserved, limiter.TryReserve(Guesser));
    }
}
