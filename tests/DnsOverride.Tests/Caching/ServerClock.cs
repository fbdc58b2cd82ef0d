using System.Globalization;
using System.Text.RegularExpressions;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// Times taken from the server's own log, for tests of what the cache does as entries age: the log line of an answer
/// is written just after its entry is stored, so timing from it leaves out the test's own start-up delays.
/// </summary>
internal static class ServerClock
{
    /// <summary>The UTC time on the first log line that <paramref name="pattern"/> matches (the server logs in UTC).</summary>
    public static DateTime LoggedAt(string output, string pattern) =>
        DateTime.Parse(
            Regex.Match(output, $@"^(\S+) .*{pattern}", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>Waits until <paramref name="utc"/>; at once when it has passed.</summary>
    public static async Task UntilAsync(DateTime utc)
    {
        var wait = utc - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
