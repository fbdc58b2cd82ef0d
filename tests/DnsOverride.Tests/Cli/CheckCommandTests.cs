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
}
