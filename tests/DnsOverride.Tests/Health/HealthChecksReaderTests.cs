using System.Text;
using Endpoints.DnsOverride.Health;

namespace Endpoints.DnsOverride.Tests.Health;

/// <summary>health.json read strictly, with defaults; and the fall and rise of one address. No sockets.</summary>
public sealed class HealthChecksReaderTests
{
    [Fact]
    public void ReadsTheIssuesShapeWithDefaults()
    {
        var (checks, errors) = Read("""{"checks": [{"zone": "s3.amazonaws.com", "names": ["@", "*"], "tcp": 443}, {"zone": "x.test", "names": ["www"], "http": "/readyz", "port": 8080, "interval": "1s", "timeout": "500ms", "fall": 2, "rise": 1}]}""");

        Assert.Empty(errors);
        var tcp = checks![0];
        Assert.Equal(["s3.amazonaws.com.", "*.s3.amazonaws.com."], tcp.Names.Select(n => n.ToString()));
        Assert.Equal((443, (string?)null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 3, 2), (tcp.Port, tcp.HttpPath, tcp.Interval, tcp.Timeout, tcp.Fall, tcp.Rise));
        var http = checks[1];
        Assert.Equal((8080, "/readyz", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 2, 1), (http.Port, http.HttpPath, http.Interval, http.Timeout, http.Fall, http.Rise));
    }

    [Theory]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "intervall": "5s"}]}""", "health.json:1:60: unknown key 'intervall'; did you mean 'interval'?")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "http": "/x", "port": 80}]}""", "health.json:1:13: a check needs either \"tcp\": PORT, or \"http\": \"/path\" with \"port\": PORT")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "http": "/x"}]}""", "health.json:1:13: a check needs either \"tcp\": PORT, or \"http\": \"/path\" with \"port\": PORT")]
    [InlineData("""{"checks": [{"zone": "a.test", "tcp": 443}]}""", "health.json:1:13: a check needs a 'zone' and its 'names' (\"@\" for the apex, \"*\" for the wildcard)")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "timeout": "5s"}]}""", "health.json:1:13: 'timeout' must be shorter than 'interval'")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 70000}]}""", "health.json:1:55: 'tcp' must be a port number (1-65535)")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "fall": 0}]}""", "health.json:1:68: 'fall' must be a whole number from 1 to 100")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "interval": "soon"}]}""", "health.json:1:72: 'interval' must be a duration such as \"5s\" or \"500ms\"")]
    [InlineData("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "interval": "2ms"}]}""", "health.json:1:72: 'interval' must be at least 1s: every address is probed from every instance")]
    [InlineData("""{"checks": [""", "health.json:1:13: invalid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    public void ReportsWhatIsWrongAtItsPosition(string json, string error)
    {
        var (checks, errors) = Read(json);

        Assert.Null(checks);
        Assert.Contains(error, errors);
    }

    [Fact]
    public void AtMostAHundredChecksAndAHundredNamesInEach()
    {
        var check = """{"zone": "a.test", "names": ["@"], "tcp": 443}""";
        var names = string.Join(", ", Enumerable.Range(0, 101).Select(i => $"\"n{i}\""));

        var (tooMany, manyErrors) = Read($$"""{"checks": [{{string.Join(", ", Enumerable.Repeat(check, 101))}}]}""");
        var (tooLong, longErrors) = Read($$"""{"checks": [{"zone": "a.test", "names": [{{names}}], "tcp": 443}]}""");

        Assert.Null(tooMany);
        Assert.Contains(manyErrors, e => e.EndsWith(": more than 100 checks", StringComparison.Ordinal));
        Assert.Null(tooLong);
        Assert.Contains(longErrors, e => e.EndsWith(": 'names' lists 101 names; at most 100", StringComparison.Ordinal));
    }

    [Fact]
    public void AnAddressFallsAfterFallFailuresAndRisesAfterRiseSuccesses()
    {
        var (checks, _) = Read("""{"checks": [{"zone": "a.test", "names": ["@"], "tcp": 443, "fall": 3, "rise": 2}]}""");
        var target = new ProbeTarget("a.test.", System.Net.IPAddress.Parse("10.0.0.1"), checks![0]);

        Assert.Equal([false, false, false], new[] { target.Record(false), target.Record(true), target.Record(false) });
        Assert.Equal([false, true, false], new[] { target.Record(false), target.Record(false), target.Record(false) });
        Assert.False(target.Up);
        Assert.Equal([false, false, false, true], new[] { target.Record(true), target.Record(false), target.Record(true), target.Record(true) });
        Assert.True(target.Up);
    }

    private static (IReadOnlyList<HealthCheck>? Checks, IReadOnlyList<string> Errors) Read(string json) =>
        HealthChecksReader.Read(Encoding.UTF8.GetBytes(json), "health.json");

    /// <summary>Found by bench/fuzz.sh (health-json): the JSON reader throws on a string that is not UTF-8.</summary>
    [Fact]
    public void AFileThatIsNotUtf8IsAnErrorAtItsFirstBadByte()
    {
        var (checks, errors) = HealthChecksReader.Read([.. "{\"checks\": [{\"zone\": \"a"u8, 0xFF, .. "\", \"names\": [\"@\"], \"tcp\": 443}]}"u8], "health.json");

        Assert.Null(checks);
        Assert.Equal("health.json:1:24: not UTF-8 text (byte 0xFF)", Assert.Single(errors));
    }
}
