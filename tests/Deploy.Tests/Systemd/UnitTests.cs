using System.Globalization;
using System.Text.RegularExpressions;
using Endpoints.Deploy.Tests.Packaging;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Systemd;

/// <summary>
/// The units in <c>deploy/systemd</c>: clean for <c>systemd-analyze verify</c> against the installed binaries, rated
/// 2.0 or better by <c>systemd-analyze security</c>, and in step with the services' settings.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SharedRelease.Name)]
public sealed partial class UnitTests(ReleaseFixture release)
{
    private static string Units => Path.Combine(BuiltProgram.Repository, "deploy/systemd");

    [Fact]
    public async Task TheInstalledUnitsVerifyWithoutAWord()
    {
        // systemd is not PID 1 here, so the installed units are checked in place of /opt/endpoints: same files, the
        // scratch root's binaries.
        using var scratch = new TempDirectory();
        var units = new List<string>();
        foreach (var unit in new[] { "endpoints-dns.service", "endpoints-proxy.service" })
        {
            var text = File.ReadAllText(Path.Combine(release.Root, "etc/systemd/system", unit));
            units.Add(scratch.Write(unit, text.Replace("/opt/endpoints/", Path.Combine(release.Root, "opt/endpoints/"), StringComparison.Ordinal)));
        }

        var (exit, output) = await Tools.RunAsync("systemd-analyze", ["verify", .. units]);

        Assert.Equal((0, ""), (exit, output.Trim()));
    }

    [Theory]
    [InlineData("endpoints-dns.service")]
    [InlineData("endpoints-proxy.service")]
    public async Task SecurityExposureIsOkOrBetter(string unit)
    {
        var (exit, output) = await Tools.RunAsync("systemd-analyze", "security", "--offline=true", Path.Combine(Units, unit));

        var exposure = ExposurePattern().Match(output);
        Assert.True(exit == 0 && exposure.Success, output);
        Assert.InRange(double.Parse(exposure.Groups[1].Value, CultureInfo.InvariantCulture), 0, 2.0);
    }

    [Fact]
    public void TheUnitsAgreeWithTheServicesSettings()
    {
        var dns = Settings("endpoints-dns.service");
        var proxy = Settings("endpoints-proxy.service");
        var proxyConfig = File.ReadAllText(Path.Combine(BuiltProgram.Repository, "deploy/config/proxy.json"));
        var dnsConfig = File.ReadAllText(Path.Combine(BuiltProgram.Repository, "deploy/config/dns.json"));

        Assert.Equal(("notify", "notify"), (dns["Type"], proxy["Type"]));
        Assert.Equal(("/bin/kill -HUP $MAINPID", "/bin/kill -HUP $MAINPID"), (dns["ExecReload"], proxy["ExecReload"]));

        // A service that ends by itself is down whatever its status says (a host stopped by a failed background
        // service used to exit 0, which on-failure leaves down).
        Assert.Equal(("always", "always"), (dns["Restart"], proxy["Restart"]));

        // Port 53 needs the one capability; the proxy's ports are all high (the load balancer maps 443 to 8443).
        Assert.Contains("\"0.0.0.0:53\"", dnsConfig, StringComparison.Ordinal);
        Assert.Equal("CAP_NET_BIND_SERVICE", dns["AmbientCapabilities"]);
        Assert.False(proxy.ContainsKey("AmbientCapabilities"));
        Assert.All(PortPattern().Matches(proxyConfig), m => Assert.True(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 1024, m.Value));

        // Draining takes DrainTimeout (300 s by default, not changed in proxy.json); systemd must wait longer before SIGKILL.
        Assert.DoesNotContain("DrainTimeout", proxyConfig, StringComparison.Ordinal);
        Assert.True(Seconds(proxy["TimeoutStopSec"]) > 300, proxy["TimeoutStopSec"]);

        // The log is an access log: journald's default rate limit would drop its lines unseen under load, and a unit's
        // 0 means that default, so the units allow a million lines a second instead.
        Assert.Equal(("1s", "1s"), (dns["LogRateLimitIntervalSec"], proxy["LogRateLimitIntervalSec"]));
        Assert.Equal(("1000000", "1000000"), (dns["LogRateLimitBurst"], proxy["LogRateLimitBurst"]));

        // Two descriptors per tunnel at MaxConnections (8,192 by default).
        Assert.DoesNotContain("MaxConnections", proxyConfig, StringComparison.Ordinal);
        Assert.True(int.Parse(proxy["LimitNOFILE"], CultureInfo.InvariantCulture) >= 2 * 8192 + 1024);
        Assert.Equal("/etc/endpoints", proxy["WorkingDirectory"]);
        Assert.Equal("/opt/endpoints/proxy/Endpoints.Proxy --config /etc/endpoints/proxy.json", proxy["ExecStart"]);
        Assert.Equal("/opt/endpoints/dns/Endpoints.DnsOverride --config /etc/endpoints/dns.json", dns["ExecStart"]);
    }

    private static Dictionary<string, string> Settings(string unit) =>
        File.ReadLines(Path.Combine(Units, unit))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

    private static int Seconds(string span) => int.Parse(span.TrimEnd('s'), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposurePattern();

    [GeneratedRegex(@":(\d+)""")]
    private static partial Regex PortPattern();
}
