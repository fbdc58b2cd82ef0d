using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// The common corporate resolvers, each with a conditional forwarder per shipped zone pointing at us: BIND, Unbound,
/// PowerDNS Recursor, Knot Resolver and dnsmasq. For the last three the setting our docs give is needed, and each
/// test shows it: without it, the names fail.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CorporateResolverTests
{
    private static IReadOnlyList<string> ShippedZoneNames =>
        Directory.GetFiles(TestZones.ShippedZoneDirectory, "*.zone").Select(f => Path.GetFileNameWithoutExtension(f)).ToList();

    [Fact]
    public async Task CorporateBindResolvesAwsNamesThroughUs()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var ours = await DnsServerProcess.StartAsync(zones.Path);
        using var corporate = await NamedProcess.StartForwarderAsync(ShippedZoneNames, ours.Port);

        var bucket = await Dig.QueryAsync(corporate.Port, "reports.s3.amazonaws.com", "A");
        var regional = await Dig.QueryAsync(corporate.Port, "my-bucket.s3.us-east-1.amazonaws.com", "A");
        var dynamo = await Dig.QueryAsync(corporate.Port, "dynamodb.us-east-1.amazonaws.com", "A");
        var account = await Dig.QueryAsync(corporate.Port, "111122223333.ddb.us-east-1.amazonaws.com", "A");
        var aaaa = await Dig.QueryAsync(corporate.Port, "reports.s3.amazonaws.com", "AAAA");

        foreach (var (dig, name) in new[] { (bucket, "reports.s3.amazonaws.com."), (regional, "my-bucket.s3.us-east-1.amazonaws.com."), (dynamo, "dynamodb.us-east-1.amazonaws.com."), (account, "111122223333.ddb.us-east-1.amazonaws.com.") })
        {
            Assert.Equal("NOERROR", dig.Status);
            Assert.Contains("ra", dig.Flags);
            Assert.Equal([$"{name} 60 IN A 10.200.0.10", $"{name} 60 IN A 10.200.1.10"], dig.Answer.Order(StringComparer.Ordinal));
        }

        Assert.Equal("NOERROR", aaaa.Status);
        Assert.Empty(aaaa.Answer);
        Assert.Matches(@"(?i)query 127\.0\.0\.1:\d+ reports\.s3\.amazonaws\.com\. A udp decision=authoritative rcode=NOERROR", ours.Output);
    }

    [Fact]
    public async Task CorporateUnboundResolvesAwsNamesThroughUs()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var ours = await DnsServerProcess.StartAsync(zones.Path);
        using var corporate = await UnboundProcess.StartForwarderAsync(ShippedZoneNames, ours.Port);

        var bucket = await Dig.QueryAsync(corporate.Port, "reports.s3.us-east-1.amazonaws.com", "A");
        var account = await Dig.QueryAsync(corporate.Port, "111122223333.ddb.us-east-1.amazonaws.com", "A");

        foreach (var (dig, name) in new[] { (bucket, "reports.s3.us-east-1.amazonaws.com."), (account, "111122223333.ddb.us-east-1.amazonaws.com.") })
        {
            Assert.Equal("NOERROR", dig.Status);
            Assert.Equal([$"{name} 60 IN A 10.200.0.10", $"{name} 60 IN A 10.200.1.10"], dig.Answer.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task CorporatePowerDnsRecursorResolvesThroughUsWithNegativeTrustAnchors()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var ours = await DnsServerProcess.StartAsync(zones.Path);
        using var corporate = await PdnsRecursorProcess.StartForwarderAsync([.. ShippedZoneNames], ours.Port);
        using var withoutAnchors = await PdnsRecursorProcess.StartForwarderAsync([.. ShippedZoneNames], ours.Port, negativeTrustAnchors: false);

        // dig sets AD, which PowerDNS takes as a request to validate.
        await AssertResolvesAsync(corporate.Port);
        Assert.Equal("SERVFAIL", (await Dig.QueryAsync(withoutAnchors.Port, "reports.s3.amazonaws.com", "A")).Status);
    }

    [Fact]
    public async Task CorporateKnotResolverResolvesThroughUsWithTheZonesInsecure()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var ours = await DnsServerProcess.StartAsync(zones.Path);
        using var corporate = await KnotResolverProcess.StartForwarderAsync([.. ShippedZoneNames], ours.Port);
        using var validating = await KnotResolverProcess.StartForwarderAsync([.. ShippedZoneNames], ours.Port, insecure: false);

        await AssertResolvesAsync(corporate.Port);
        Assert.Equal("SERVFAIL", (await Dig.QueryAsync(validating.Port, "reports.s3.amazonaws.com", "A")).Status);
    }

    [Fact]
    public async Task CorporateDnsmasqResolvesThroughUsWithRebindDomainOk()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var ours = await DnsServerProcess.StartAsync(zones.Path);
        using var corporate = await DnsmasqProcess.StartForwarderAsync([.. ShippedZoneNames], ours.Port);
        using var rebindProtected = await DnsmasqProcess.StartForwarderAsync([.. ShippedZoneNames], ours.Port, rebindOk: false);

        await AssertResolvesAsync(corporate.Port);
        Assert.Empty((await Dig.QueryAsync(rebindProtected.Port, "reports.s3.amazonaws.com", "A")).Answer);
        Assert.True(await rebindProtected.WaitForOutputAsync("possible DNS-rebind attack detected: reports.s3.amazonaws.com", TimeSpan.FromSeconds(5)), rebindProtected.Output);
    }

    private static async Task AssertResolvesAsync(int port)
    {
        var bucket = await Dig.QueryAsync(port, "reports.s3.amazonaws.com", "A");
        var account = await Dig.QueryAsync(port, "111122223333.ddb.us-east-1.amazonaws.com", "A");

        foreach (var (dig, name) in new[] { (bucket, "reports.s3.amazonaws.com."), (account, "111122223333.ddb.us-east-1.amazonaws.com.") })
        {
            Assert.Equal("NOERROR", dig.Status);
            Assert.Equal([$"{name} 60 IN A 10.200.0.10", $"{name} 60 IN A 10.200.1.10"], dig.Answer.Order(StringComparer.Ordinal));
        }
    }
}
