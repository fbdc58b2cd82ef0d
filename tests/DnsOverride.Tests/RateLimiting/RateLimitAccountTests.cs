using Endpoints.DnsOverride.RateLimiting;

namespace Endpoints.DnsOverride.Tests.RateLimiting;

/// <summary>BIND's bucket: a burst of one second's worth, then every slip-th limited response truncated, and debt paid over the window.</summary>
public sealed class RateLimitAccountTests
{
    private const double Frequency = 1000;
    private const int Rate = 5;
    private const double Window = 15;

    [Fact]
    public void ABurstOfTheRateIsSentThenEverySecondLimitedResponseSlips()
    {
        var account = new RateLimitAccount(Rate, 0);

        var verdicts = Enumerable.Range(0, 9).Select(_ => account.Charge(0, Frequency, Rate, Window, slip: 2).Verdict).ToList();

        Assert.Equal(
            [RateLimitVerdict.Send, RateLimitVerdict.Send, RateLimitVerdict.Send, RateLimitVerdict.Send, RateLimitVerdict.Send,
             RateLimitVerdict.Drop, RateLimitVerdict.Slip, RateLimitVerdict.Drop, RateLimitVerdict.Slip],
            verdicts);
    }

    [Fact]
    public void AFloodIsForgivenOnlyAfterTheWindow()
    {
        var account = new RateLimitAccount(Rate, 0);
        for (var i = 0; i < 1000; i++)
        {
            account.Charge(0, Frequency, Rate, Window, slip: 0);
        }

        // Debt stops at a window's worth (75): 14.9 s of quiet is not enough, 15.3 s is.
        Assert.Equal(RateLimitVerdict.Drop, account.Charge(14_900, Frequency, Rate, Window, slip: 0).Verdict);
        Assert.Equal(RateLimitVerdict.Send, account.Charge(30_300, Frequency, Rate, Window, slip: 0).Verdict);
    }

    [Fact]
    public void ResponsesAtTheRateAreNeverLimited()
    {
        var account = new RateLimitAccount(Rate, 0);

        for (var ms = 0; ms < 10_000; ms += 1000 / Rate)
        {
            Assert.Equal(RateLimitVerdict.Send, account.Charge(ms, Frequency, Rate, Window, slip: 2).Verdict);
        }
    }

    [Fact]
    public void LimitingIsReportedOnceAWindowAndOnceForAWholeFlood()
    {
        var flooded = new RateLimitAccount(Rate, 0);
        var floodReports = 0;
        for (var ms = 0; ms < 40_000; ms += 10)
        {
            floodReports += flooded.Charge(ms, Frequency, Rate, Window, slip: 2).Report ? 1 : 0;
        }

        // Bursts of twice the rate every 2 s: limited in each, reported at 0, 16 and 32 s.
        var bursty = new RateLimitAccount(Rate, 0);
        var burstReports = 0;
        for (var ms = 0; ms < 40_000; ms += 2000)
        {
            for (var i = 0; i < 2 * Rate; i++)
            {
                burstReports += bursty.Charge(ms, Frequency, Rate, Window, slip: 2).Report ? 1 : 0;
            }
        }

        Assert.Equal(1, floodReports);
        Assert.Equal(3, burstReports);
    }
}
