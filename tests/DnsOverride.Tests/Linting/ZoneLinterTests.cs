using System.Net;
using System.Text;
using Endpoints.DnsOverride.Linting;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Linting;

/// <summary>One mistake per case, each reported at the line of the record that makes it.</summary>
public sealed class ZoneLinterTests
{
    private const string Good = """
        $TTL 60
        @ SOA ns hostmaster 1 3600 900 604800 60
        @ NS ns
        ns A 10.200.0.53
        @ A 10.200.0.10
          A 10.200.1.10
        * A 10.200.0.10
          A 10.200.1.10
        """;

    [Fact]
    public void TheShippedShapePasses() => Assert.Empty(Lint("s3.amazonaws.com.", Good));

    [Theory]
    [InlineData("ns A 10.200.0.53", "ns A 52.216.8.1", "s3.amazonaws.com.zone:4: ns.s3.amazonaws.com. A 52.216.8.1 is not a private address (RFC 1918, CGNAT, ULA); list the load balancer's networks in lint.json 'addresses'")]
    [InlineData("ns A 10.200.0.53", "ns AAAA 2600:1f18::1", "s3.amazonaws.com.zone:4: ns.s3.amazonaws.com. AAAA 2600:1f18::1 is not a private address (RFC 1918, CGNAT, ULA); list the load balancer's networks in lint.json 'addresses'")]
    [InlineData("ns A 10.200.0.53", "ns 1 A 10.200.0.53", "s3.amazonaws.com.zone:4: ns.s3.amazonaws.com. A: TTL 1 is outside 5..86400 (lint.json 'ttl')")]
    [InlineData("ns A 10.200.0.53", "ns 1w A 10.200.0.53", "s3.amazonaws.com.zone:4: ns.s3.amazonaws.com. A: TTL 604800 is outside 5..86400 (lint.json 'ttl')")]
    public void EachMistakeIsAnErrorAtItsLine(string find, string replace, string expected)
    {
        var problem = Assert.Single(Lint("s3.amazonaws.com.", Good.Replace(find, replace, StringComparison.Ordinal)));

        Assert.False(problem.IsWarning);
        Assert.Equal(expected, problem.ToString());
    }

    /// <summary>A CNAME or delegation out of our zones re-routes every name under it, as a public address would.</summary>
    [Theory]
    [InlineData("*.x CNAME attacker.example.net.", "s3.amazonaws.com.zone:9: *.x.s3.amazonaws.com. CNAME attacker.example.net. leads out of our zones: names under it would not reach the load balancer (lint.json 'targets' lists allowed ones)")]
    [InlineData("evil NS ns.evil.test.", "s3.amazonaws.com.zone:9: evil.s3.amazonaws.com. NS ns.evil.test. delegates evil.s3.amazonaws.com. to a server outside our zones: names under it would not reach the load balancer (lint.json 'targets' lists allowed ones)")]
    public void ARecordThatLeadsOutOfOurZonesIsAnError(string record, string expected)
    {
        var problem = Assert.Single(Lint("s3.amazonaws.com.", Good + "\n" + record + "\n"));

        Assert.False(problem.IsWarning);
        Assert.Equal(expected, problem.ToString());
    }

    /// <summary>AWS names are host names; an owner label that is not (a right-to-left override, a space, an underscore) is no name a client asks for.</summary>
    [Theory]
    [InlineData("\\226\\128\\174gpj.evil A 10.200.0.10", "s3.amazonaws.com.zone:9: \\226\\128\\174gpj.evil.s3.amazonaws.com.: the label '\\226\\128\\174gpj' is not letters, digits and hyphens, which no AWS name has")]
    [InlineData("my\\032bucket A 10.200.0.10", "s3.amazonaws.com.zone:9: my\\032bucket.s3.amazonaws.com.: the label 'my\\032bucket' is not letters, digits and hyphens, which no AWS name has")]
    [InlineData("_dmarc A 10.200.0.10", "s3.amazonaws.com.zone:9: _dmarc.s3.amazonaws.com.: the label '_dmarc' is not letters, digits and hyphens, which no AWS name has")]
    [InlineData("x.* A 10.200.0.10", "s3.amazonaws.com.zone:9: x.*.s3.amazonaws.com.: the label '*' is not letters, digits and hyphens, which no AWS name has")]
    public void AnOwnerNoAwsNameHasIsAnErrorInAnAwsZone(string record, string expected)
    {
        var problem = Assert.Single(Lint("s3.amazonaws.com.", Good + "\n" + record + "\n"));

        Assert.False(problem.IsWarning);
        Assert.Equal(expected, problem.ToString());
    }

    [Fact]
    public void AnOwnerThatIsNoHostNameIsAWarningElsewhereAndServiceLabelsPass()
    {
        var settings = LintSettings.Default with { Suffixes = [DnsName.Parse("corp.example.")] };

        var problems = Lint("corp.example.", Good + "\n_sip._tcp A 10.200.0.10\nmy\\032host A 10.200.0.10\n", settings);

        var problem = Assert.Single(problems);
        Assert.True(problem.IsWarning);
        Assert.Equal("corp.example.zone:10: warning: my\\032host.corp.example.: the label 'my\\032host' is not letters, digits and hyphens (a host name's), nor a '_' service label", problem.ToString());
    }

    [Theory]
    [InlineData("alias CNAME mybucket")]
    [InlineData("alias CNAME s3.us-east-1.amazonaws.com.")]
    [InlineData("alias CNAME cdn.corp.example.")]
    public void TargetsInOurZonesOrAllowedPass(string record)
    {
        var settings = LintSettings.Default with { Targets = [DnsName.Parse("corp.example.")] };

        Assert.Empty(Lint("s3.amazonaws.com.", Good + "\n" + record + "\n", settings, [DnsName.Parse("s3.us-east-1.amazonaws.com.")]));
    }

    [Fact]
    public void AZoneOutsideTheSuffixesAndAnApexWithNoAddressAreErrorsAtTheSoa()
    {
        var text = Good.Replace("@ A 10.200.0.10\n  A 10.200.1.10\n", string.Empty, StringComparison.Ordinal).Replace("* A", "www A", StringComparison.Ordinal);

        var problems = Lint("corp.example.", text).Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            "corp.example.zone:2: zone corp.example. is not under an allowed suffix (amazonaws.com., amazonaws.com.cn.); lint.json 'suffixes' lists them",
            "corp.example.zone:2: zone corp.example. does not answer its own name: no A, AAAA or CNAME at the apex",
        ],
            problems);
    }

    [Fact]
    public void AWildcardAnsweringOtherAddressesThanTheApexIsAWarning()
    {
        var problem = Assert.Single(Lint("s3.amazonaws.com.", Good.Replace("* A 10.200.0.10", "* A 10.200.0.99", StringComparison.Ordinal)));

        Assert.True(problem.IsWarning);
        Assert.StartsWith("s3.amazonaws.com.zone:7: warning: *.s3.amazonaws.com. answers 10.200.0.99, 10.200.1.10 but the apex 10.200.0.10, 10.200.1.10", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheLintFileNarrowsTheRules()
    {
        var (settings, errors) = LintSettingsReader.Read(Encoding.UTF8.GetBytes("""
            { "addresses": ["10.200.0.0/24"], "suffixes": ["amazonaws.com", "example.corp"], "ttl": { "min": 30, "max": 300 } }
            """), "lint.json");
        Assert.Empty(errors);

        var problems = Lint("s3.amazonaws.com.", Good, settings).Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            "s3.amazonaws.com.zone:6: s3.amazonaws.com. A 10.200.1.10 is outside the allowed addresses (10.200.0.0/24; lint.json 'addresses')",
            "s3.amazonaws.com.zone:8: *.s3.amazonaws.com. A 10.200.1.10 is outside the allowed addresses (10.200.0.0/24; lint.json 'addresses')",
        ],
            problems);
        Assert.Contains(IPNetwork.Parse("10.200.0.0/24"), settings!.Addresses);
    }

    private static List<ZoneError> Lint(string origin, string text, LintSettings? settings = null, IReadOnlyCollection<DnsName>? ours = null)
    {
        var name = DnsName.Parse(origin);
        var file = origin.TrimEnd('.') + ".zone";
        var (records, errors) = ZoneFileParser.ParseText(text, file, name);
        Assert.Empty(errors);
        return ZoneLinter.Lint(name, file, records, settings ?? LintSettings.Default, ours);
    }
}
