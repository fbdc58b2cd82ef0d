using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>BIND and Unbound as the corporate resolver, with a conditional forwarder per shipped zone pointing at us.</summary>
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
}
