using Endpoints.DnsOverride.Cli;
using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Cli;

public sealed class CheckCommandTests
{
    /// <summary>Zone files come by pull request: text quoted from them must not carry control bytes to a terminal or a CI log.</summary>
    [Fact]
    public void ControlBytesFromAZoneFileAreEscaped()
    {
        using var zones = new TempDirectory();
        var file = zones.Write("evil.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nwww IN BOGUS\u001b[2J\u0000 1\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = CheckCommand.Run(zones.Path, ZoneLimits.Default, output, error);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:5: unknown RR type 'BOGUS\\x1b[2J\\x00'", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error.ToString() + output);
        Assert.DoesNotContain('\u0000', error.ToString() + output);
    }

    /// <summary>The server refuses a second file for one zone, so check does too (it said OK before).</summary>
    [Fact]
    public void FilesNamingOneZoneFailTheCheck()
    {
        using var zones = new TempDirectory();
        const string Text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n";
        zones.Write("X.TEST.zone", Text);
        var second = zones.Write("x.test.zone", Text);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = CheckCommand.Run(zones.Path, ZoneLimits.Default, output, error);

        Assert.Equal(1, exit);
        Assert.Contains($"{second}: zone x.test. is defined by more than one file (first: X.TEST.zone)", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lint.json")]
    [InlineData("health.json")]
    public void AnUnreadableSettingsFileFailsTheCheckWithItsReason(string name)
    {
        using var zones = new TempDirectory();
        zones.Write("x.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n");
        var path = Path.Combine(zones.Path, name);
        File.CreateSymbolicLink(path, "/proc/self/mem");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = CheckCommand.Run(zones.Path, ZoneLimits.Default, output, error);

        Assert.Equal(1, exit);
        Assert.Contains($"{path}: cannot read:", error.ToString(), StringComparison.Ordinal);
    }
}
