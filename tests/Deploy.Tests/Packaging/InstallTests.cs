using System.Globalization;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Packaging;

/// <summary>
/// <c>install.sh --prefix</c> from an unpacked artifact into a scratch root; the installed binaries then run with the
/// installed settings, from the units' working directory, on loopback ports.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SharedRelease.Name)]
public sealed class InstallTests(ReleaseFixture release)
{
    private string Etc => Path.Combine(release.Root, "etc/endpoints");

    [Fact]
    public void InstallLaysOutBinariesSettingsUnitsAndUsers()
    {
        string[] files =
        [
            "opt/endpoints/dns/Endpoints.DnsOverride", "opt/endpoints/proxy/Endpoints.Proxy", "opt/endpoints/zones-sync",
            "etc/endpoints/dns.json", "etc/endpoints/proxy.json", "etc/endpoints/policy.json", "etc/endpoints/zones/s3.amazonaws.com.zone",
            "etc/systemd/system/endpoints-dns.service", "etc/systemd/system/endpoints-proxy.service",
            "etc/systemd/system/multi-user.target.wants/endpoints-dns.service", "etc/systemd/system/multi-user.target.wants/endpoints-proxy.service",
        ];
        var passwd = File.ReadAllText(Path.Combine(release.Root, "etc/passwd"));

        Assert.DoesNotContain(files, f => !Path.Exists(Path.Combine(release.Root, f)));
        Assert.Matches("(?m)^endpoints-dns:x:\\d+:\\d+:.*:/usr/sbin/nologin$", passwd);
        Assert.Matches("(?m)^endpoints-proxy:x:\\d+:\\d+:.*:/usr/sbin/nologin$", passwd);
        Assert.Equal(ReleaseFixture.Version, File.ReadAllText(Path.Combine(release.Root, "opt/endpoints/VERSION")).Trim());
        Assert.Contains("units enabled there", release.InstallOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunAgainKeepsAnEditedSettingsFileAndPutsTheShippedOneBeside()
    {
        var dns = Path.Combine(Etc, "dns.json");
        var edited = File.ReadAllText(dns).Replace("\"Http\": \"0.0.0.0:8053\"", "\"Http\": \"0.0.0.0:9053\"", StringComparison.Ordinal);
        File.WriteAllText(dns, edited);

        var (exit, output) = await Tools.RunAsync(Path.Combine(release.Unpacked, "install.sh"), "--prefix", release.Root);

        Assert.True(exit == 0, output);
        Assert.Contains($"kept your {dns}; the shipped version is {dns}.dist", output, StringComparison.Ordinal);
        Assert.Equal(edited, File.ReadAllText(dns));
        Assert.Equal(File.ReadAllText(Path.Combine(release.Unpacked, "config/dns.json")), File.ReadAllText(dns + ".dist"));
        Assert.False(File.Exists(Path.Combine(Etc, "proxy.json.dist")), "an unedited file got a .dist copy");
        Assert.True(File.Exists(Path.Combine(release.Root, "opt/endpoints/dns/Endpoints.DnsOverride")));
    }

    [Fact]
    public async Task TheInstalledServicesAnswerWithTheInstalledSettings()
    {
        using var dns = await StartInstalledAsync(
            "dns/Endpoints.DnsOverride", "Listening on tcp", "--config", "dns.json", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--upstream", "127.0.0.1:9");
        var dnsPort = dns.BoundPort("Listening on udp");
        using var proxy = await StartInstalledAsync(
            "proxy/Endpoints.Proxy", "Listening for health", "--config", "proxy.json", "--tls", "127.0.0.1:0", "--connect", "127.0.0.1:0",
            "--health", "127.0.0.1:0", "--resolver", $"127.0.0.1:{dnsPort}");
        // The listeners log in no fixed order: the health one being up says nothing of the others.
        Assert.True(await proxy.WaitForOutputAsync("Listening for connect on", TimeSpan.FromSeconds(30)), proxy.Output);
        var connect = proxy.BoundPort("Listening for connect on").ToString(CultureInfo.InvariantCulture);

        var answer = await Dig.QueryAsync(dnsPort, "mybucket.s3.amazonaws.com", "A");
        var (_, ready) = await Tools.RunAsync("curl", "-s", $"http://127.0.0.1:{proxy.BoundPort("Listening for health on")}/readyz");
        var (_, denied) = await Tools.RunAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_connect}", "-x", $"http://127.0.0.1:{connect}", "https://example.org/");
        var (_, refused) = await Tools.RunAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_connect}", "-x", $"http://127.0.0.1:{connect}", "https://mybucket.s3.amazonaws.com/");

        // The shipped zone's wildcard: the placeholder load balancer addresses, one per availability zone.
        Assert.Equal("NOERROR", answer.Status);
        Assert.Equal(["10.200.0.10", "10.200.1.10"], answer.Answer.Select(r => r.Split(' ')[^1]).Order());
        Assert.Equal("ready", ready.Trim());
        Assert.Equal("403", denied.Trim());
        Assert.True(await proxy.WaitForMatchAsync("dest=example.org:443 decision=deny", TimeSpan.FromSeconds(10)), proxy.Output);

        // The installed policy allows loopback to S3 (so the name is resolved, through the installed DNS server), and
        // the address guard refuses the private addresses the shipped zone gives: no --allow-range in the defaults.
        Assert.Equal("403", refused.Trim());
        Assert.True(await proxy.WaitForMatchAsync(
            "dest=mybucket.s3.amazonaws.com:443 decision=deny rule=guard reason=\"10.200.0.10 is private", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    private async Task<ExternalProcess> StartInstalledAsync(string program, string readyText, params string[] arguments)
    {
        var process = new ExternalProcess(Path.Combine(release.Root, "opt/endpoints", program), arguments, Etc);
        Assert.True(await process.WaitForOutputAsync(readyText, TimeSpan.FromSeconds(30)), process.Output);
        return process;
    }
}
