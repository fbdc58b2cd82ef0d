using Endpoints.Common.Configuration;

namespace Endpoints.DnsOverride.Tests.Configuration;

/// <summary>Durations of the cache flags: seconds as BIND and Unbound take them, or with a unit; never a bare number of days.</summary>
public sealed class DurationParserTests
{
    [Theory]
    [InlineData("86400", 86400)]
    [InlineData("0", 0)]
    [InlineData("1.8s", 1.8)]
    [InlineData("500ms", 0.5)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1D", 86400)]
    [InlineData("00:00:01.5", 1.5)]
    public void ReadsSecondsUnitsAndTimeSpans(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(seconds, duration.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1w")]
    [InlineData("-5")]
    [InlineData("s")]
    [InlineData("1.2.3")]
    [InlineData("-00:00:01")]
    public void RejectsWhatIsNotADuration(string text)
    {
        var errors = new List<string>();

        DurationParser.Parse(text, "--serve-stale", errors);

        Assert.Equal([$"--serve-stale '{text}' is not a duration (seconds, or a number with ms, s, m, h or d)"], errors);
    }
}
