using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Packaging;

/// <summary><c>deploy/package.sh</c>: one artifact per architecture, each complete and built for its machine.</summary>
[Trait("Category", "Integration")]
[Collection(SharedRelease.Name)]
public sealed class PackageTests(ReleaseFixture release)
{
    [Theory]
    [InlineData("x64", 0x3E)]
    [InlineData("arm64", 0xB7)]
    public async Task EachArchitectureHoldsBothServicesTheirUnitsSettingsZonesAndInstaller(string arch, int elfMachine)
    {
        var (listed, listing) = await Tools.RunAsync("tar", "-tJf", release.Artifact(arch));
        var entries = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(e => e[$"endpoints-{ReleaseFixture.Version}/".Length..]).ToHashSet();
        using var scratch = new TempDirectory();
        var (extracted, extractOutput) = await Tools.RunAsync("tar", "-C", scratch.Path, "-xJf", release.Artifact(arch),
            $"endpoints-{ReleaseFixture.Version}/bin/dns/Endpoints.DnsOverride", $"endpoints-{ReleaseFixture.Version}/bin/proxy/Endpoints.Proxy");

        Assert.Equal(0, listed);
        Assert.True(extracted == 0, extractOutput);
        string[] expected =
        [
            "install.sh", "zones-sync", "VERSION", "policy.json", "config/dns.json", "config/proxy.json",
            "systemd/endpoints-dns.service", "systemd/endpoints-proxy.service", "systemd/endpoints-zones-sync.service",
            "systemd/endpoints-zones-sync.timer", "sysusers.d/endpoints.conf", "zones/s3.amazonaws.com.zone",
            "bin/dns/Endpoints.DnsOverride", "bin/dns/Endpoints.DnsOverride.dll", "bin/dns/libcoreclr.so",
            "bin/proxy/Endpoints.Proxy", "bin/proxy/Endpoints.Proxy.dll", "bin/proxy/libcoreclr.so", "docs/deploy-aws.md",
        ];
        Assert.DoesNotContain(expected, e => !entries.Contains(e));
        foreach (var program in new[] { "bin/dns/Endpoints.DnsOverride", "bin/proxy/Endpoints.Proxy" })
        {
            var header = File.ReadAllBytes(Path.Combine(scratch.Path, $"endpoints-{ReleaseFixture.Version}", program))[..20];
            Assert.Equal((0x7F, (byte)'E', elfMachine), (header[0], header[1], header[18] | (header[19] << 8)));
        }
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public void EachArtifactIsAtMost45MB(string arch) =>
        Assert.InRange(new FileInfo(release.Artifact(arch)).Length, 1, 45_000_000);

    [Fact]
    public async Task TheRuntimeBothServicesShareIsStoredOnce()
    {
        var (listed, listing) = await Tools.RunAsync("tar", "-tvJf", release.Artifact("x64"));

        Assert.Equal(0, listed);
        var prefix = $"endpoints-{ReleaseFixture.Version}/bin/";
        Assert.Contains($"{prefix}proxy/libcoreclr.so link to {prefix}dns/libcoreclr.so", listing, StringComparison.Ordinal);
        Assert.Contains($"{prefix}proxy/System.Private.CoreLib.dll link to {prefix}dns/System.Private.CoreLib.dll", listing, StringComparison.Ordinal);
        Assert.DoesNotContain($"{prefix}proxy/Endpoints.Proxy.dll link to", listing, StringComparison.Ordinal);
    }
}
