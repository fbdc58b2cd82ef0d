using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Health;

/// <summary>
/// A health.json that would have every instance probe hundreds of addresses is refused as a whole (each probe is a
/// connection per interval from every instance); the zones are served all the same. The addresses are loopback ones,
/// so a probe that went out anyway would reach nothing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HealthLimitsTests
{
    [Fact]
    public async Task MoreAddressesThanTheCapAreRefusedAndTheZoneIsServed()
    {
        using var zones = new TempDirectory();
        var addresses = Enumerable.Range(0, 300).Select(i => $"127.0.{1 + (i / 250)}.{1 + (i % 250)}");
        zones.Write("many.test.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.53\n" + string.Concat(addresses.Select(a => $"@ A {a}\n")));
        var health = zones.Write("health.json", """{"checks": [{"zone": "many.test", "names": ["@"], "tcp": 8443, "interval": "1s", "timeout": "300ms"}]}""");
        using var server = await DnsServerProcess.StartAsync(zones.Path);

        Assert.True(await server.Process.WaitForOutputAsync($"{health}: 300 addresses to probe, at most 256; the checks in service stay", TimeSpan.FromSeconds(5)), server.Output);
        Assert.Equal("NOERROR", (await Dig.QueryAsync(server.Port, "+norec", "+tcp", "many.test", "A")).Status);
        Assert.DoesNotContain("Health: tcp", server.Output, StringComparison.Ordinal);
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "check", zones.Path);
        Assert.Equal(1, exit);
        Assert.Contains($"{health}: 300 addresses to probe, at most 256", output, StringComparison.Ordinal);
    }
}
