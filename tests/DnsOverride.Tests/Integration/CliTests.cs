using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>What a pull request's CI runs on a zone edit, and how the server refuses bad settings.</summary>
[Trait("Category", "Integration")]
public sealed class CliTests
{
    [Fact]
    public async Task CheckPassesTheShippedZones()
    {
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", TestZones.ShippedZoneDirectory);

        Assert.True(exit == 0, output);
        Assert.Contains("OK: 8 zone files", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShippedZonesPassNamedCheckzone()
    {
        foreach (var file in Directory.GetFiles(TestZones.ShippedZoneDirectory, "*.zone"))
        {
            var (exit, output) = await Tools.RunAsync("named-checkzone", Path.GetFileNameWithoutExtension(file), file);
            Assert.True(exit == 0, output);
        }
    }

    [Fact]
    public async Task CheckFailsABrokenZoneWithFileAndLine()
    {
        using var zones = new TempDirectory();
        File.Copy(Path.Combine(TestZones.ShippedZoneDirectory, "s3.amazonaws.com.zone"), zones.File("s3.amazonaws.com.zone"));
        var broken = zones.Write("bad.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nwww CNAME x\nwww A 10.0.0.2\n");

        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);

        Assert.Equal(1, exit);
        Assert.Contains($"{broken}:6: www.bad.test.: CNAME and other data", output, StringComparison.Ordinal);
        Assert.Contains("FAILED: 1 of 2 zone files", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHoldsZonesToTheLintRulesAndStrictFailsOnWarnings()
    {
        using var zones = new TempDirectory();
        var zone = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.200.0.53\n@ A 10.200.0.10\n* A 10.200.0.11\n";
        var file = zones.Write("s3.amazonaws.com.zone", zone);

        var warned = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);
        var strict = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path, "--strict");
        zones.Write("s3.amazonaws.com.zone", zone.Replace("ns A 10.200.0.53", "ns A 52.216.8.1", StringComparison.Ordinal));
        var outside = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);
        zones.Write("lint.json", "{ \"addresses\": [\"52.216.0.0/15\", \"10.200.0.0/16\"] }");
        var allowed = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);

        Assert.Equal(0, warned.ExitCode);
        Assert.Contains($"{file}:6: warning: *.s3.amazonaws.com. answers 10.200.0.11 but the apex 10.200.0.10", warned.Output, StringComparison.Ordinal);
        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains($"{file}:4: ns.s3.amazonaws.com. A 52.216.8.1 is not a private address", outside.Output, StringComparison.Ordinal);
        Assert.Equal(0, allowed.ExitCode);
    }

    [Fact]
    public async Task CheckHoldsHealthJsonToTheZones()
    {
        using var zones = new TempDirectory();
        zones.Write("lb.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n@ A 10.0.0.2\n");
        zones.Write("lint.json", "{ \"suffixes\": [\"test\"] }");
        zones.Write("health.json", "{\"checks\": [{\"zone\": \"lb.test\", \"names\": [\"@\", \"www\"], \"tcp\": 443}, {\"zone\": \"gone.test\", \"names\": [\"@\"], \"tcp\": 443}]}\n");
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);
        zones.Write("health.json", "{\"checks\": [{\"zone\": \"lb.test\", \"names\": [\"@\"], \"tcp\": 443, \"rise\": \"2\"}]}\n");
        var (badExit, badOutput) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);
        zones.Write("health.json", "{\"checks\": [{\"zone\": \"lb.test\", \"names\": [\"@\"], \"tcp\": 443}]}\n");
        var (goodExit, goodOutput) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);

        Assert.Equal(1, exit);
        Assert.Contains("health.json: www.lb.test. has no A or AAAA records in lb.test. to probe", output, StringComparison.Ordinal);
        Assert.Contains("health.json: gone.test. has no A or AAAA records in the folder (no zone gone.test.) to probe", output, StringComparison.Ordinal);
        Assert.Contains("FAILED: 0 of 1 zone files, and health.json", output, StringComparison.Ordinal);
        Assert.Equal(1, badExit);
        Assert.Matches(@"health\.json:1:\d+: 'rise' must be a whole number from 1 to 100", badOutput);
        Assert.True(goodExit == 0, goodOutput);
    }

    /// <summary>A zone edit must not make every DNS server probe any port on the zone's addresses.</summary>
    [Fact]
    public async Task HealthChecksProbeOnlyTheLoadBalancersPorts()
    {
        using var zones = new TempDirectory();
        zones.Write("lb.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n@ A 10.0.0.2\n");
        zones.Write("lint.json", "{ \"suffixes\": [\"test\"] }");
        zones.Write("health.json", "{\"checks\": [{\"zone\": \"lb.test\", \"names\": [\"@\"], \"tcp\": 22}]}\n");
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);
        zones.Write("lint.json", "{ \"suffixes\": [\"test\"], \"ports\": [22] }");
        var (allowedExit, allowedOutput) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);

        Assert.Equal(1, exit);
        Assert.Contains("health.json: the check of lb.test. probes port 22, which is not a port of the load balancer (lint.json 'ports': 443, 80, 8080)", output, StringComparison.Ordinal);
        Assert.True(allowedExit == 0, allowedOutput);
    }

    [Fact]
    public async Task CheckAppliesTheServersZoneLimitsFromItsSettings()
    {
        using var zones = new TempDirectory();
        var file = zones.Write("limit.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nwww A 10.0.0.2\n");
        zones.Write("escape.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n$INCLUDE /etc/hostname\n");

        var (exit, output) = await Tools.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["DnsOverride__MaxRecordsPerZone"] = "3" }, "dotnet", DnsServerProcess.ServerDll, "check", zones.Path);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:5: zone has more than MaxRecordsPerZone (3) records; stopped here", output, StringComparison.Ordinal);
        Assert.Contains("included file '/etc/hostname' is '/etc/hostname', outside the zones folder", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSettingsAreAllReportedAtOnce()
    {
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll,
            "--listen", "nonsense", "--upstream", "also:bad:", "--zones", "/does/not/exist");

        Assert.Equal(2, exit);
        Assert.Contains("--listen 'nonsense'", output, StringComparison.Ordinal);
        Assert.Contains("--upstream 'also:bad:'", output, StringComparison.Ordinal);
        Assert.Contains("--zones '/does/not/exist'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCacheSettingsAreAllReportedAtOnce()
    {
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll,
            "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--zones", TestZones.ShippedZoneDirectory,
            "--cache-size", "-1", "--cache-max-ttl", "1h", "--cache-min-ttl", "2h", "--serve-stale", "forever", "--stale-answer-client-timeout", "0");

        Assert.Equal(2, exit);
        Assert.Contains("--cache-size must be between 0 (off) and 1048576 MiB", output, StringComparison.Ordinal);
        Assert.Contains("--cache-min-ttl may not be longer than --cache-max-ttl", output, StringComparison.Ordinal);
        Assert.Contains("--serve-stale 'forever' is not a duration (seconds, or a number with ms, s, m, h or d)", output, StringComparison.Ordinal);
        Assert.Contains("--stale-answer-client-timeout must be positive", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownSettingStopsTheStartWithASuggestion()
    {
        var environment = new Dictionary<string, string>
        {
            ["DnsOverride__ForwardDeadlin"] = "00:00:03",
            ["DnsOverride__Bogus"] = "1",
            ["DnsOverride__RateLimit__ResponsesPerSecnd"] = "5",
        };

        var (exit, output) = await Tools.RunWithEnvironmentAsync(environment, "dotnet", DnsServerProcess.ServerDll,
            "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--zones", TestZones.ShippedZoneDirectory);

        Assert.Equal(2, exit);
        Assert.Contains("error: unknown setting 'DnsOverride:ForwardDeadlin'; did you mean 'ForwardDeadline'?", output, StringComparison.Ordinal);
        Assert.Contains("error: unknown setting 'DnsOverride:Bogus'", output, StringComparison.Ordinal);
        Assert.Contains("error: unknown setting 'DnsOverride:RateLimit:ResponsesPerSecnd'; did you mean 'ResponsesPerSecond'?", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondInstanceOnTheSamePortFailsToStart()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var first = await DnsServerProcess.StartAsync(zones.Path);

        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll,
            "--listen", $"127.0.0.1:{first.Port}", "--upstream", "127.0.0.1:9", "--zones", zones.Path);

        Assert.Equal(1, exit);
        Assert.Contains($"error: cannot listen on udp 127.0.0.1:{first.Port}: Address already in use", output, StringComparison.Ordinal);
    }
}
