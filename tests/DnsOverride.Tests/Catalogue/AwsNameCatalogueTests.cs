using Endpoints.DnsOverride.Catalogue;

namespace Endpoints.DnsOverride.Tests.Catalogue;

/// <summary>The catalogue against the AWS SDK for .NET: the same regions, and every host its endpoint rules produce.</summary>
public sealed class AwsNameCatalogueTests
{
    [Fact]
    public void HasTheSdksRegionsOfTheCommercialChinaAndGovCloudPartitions()
    {
        var sdk = Amazon.RegionEndpoint.EnumerableAllRegions
            .Where(r => r.PartitionName is "aws" or "aws-cn" or "aws-us-gov" && !r.SystemName.EndsWith("-regional", StringComparison.Ordinal))
            .Select(r => $"{r.SystemName} {r.PartitionName} {r.PartitionDnsSuffix}").Order(StringComparer.Ordinal);

        Assert.Equal(sdk, AwsRegion.All.Select(r => $"{r.Name} {r.Partition.Name} {r.Partition.DnsSuffix}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KnowsEveryHostTheSdkProducesInEveryRegion()
    {
        var unknown = AwsRegion.All.SelectMany(region => SdkHosts.For(region)
            .Where(h => AwsNameCatalogue.Find(region, h.Host) is null).Select(h => $"{region}: {h.Options} -> {h.Host}")).ToList();

        Assert.True(unknown.Count == 0, string.Join('\n', unknown));
    }

    [Theory]
    [InlineData("us-east-1", "streams.dynamodb.us-east-1.amazonaws.com", "Streams", false)]
    [InlineData("us-east-1", "mybucket.s3.amazonaws.com", "global virtual-hosted (legacy)", true)]
    [InlineData("eu-west-1", "mybucket.s3.amazonaws.com", null, false)]
    [InlineData("cn-north-1", "123456789012.ddb.cn-north-1.amazonaws.com.cn", "account-based", true)]
    [InlineData("us-east-1", "mybucket--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com", "directory bucket (S3 Express One Zone)", false)]
    public void ClassifiesAHostByItsForm(string region, string host, string? form, bool served)
    {
        var found = AwsNameCatalogue.Find(AwsRegion.Find(region)!, host);

        Assert.Equal(form, found?.Form);
        Assert.Equal(served, found?.Served ?? false);
    }

    [Fact]
    public void OnlyTheDynamoDbZoneHoldsANameThatKeepsItsUpstreamAnswer()
    {
        var region = AwsRegion.Find("eu-west-1")!;

        Assert.Equal(["dynamodb.eu-west-1.amazonaws.com"], AwsNameCatalogue.TransparentZones(region, AwsNameCatalogue.Services));
        Assert.Equal(
            ["ddb.eu-west-1.amazonaws.com *", "dynamodb.eu-west-1.amazonaws.com @", "s3-accesspoint.dualstack.eu-west-1.amazonaws.com *",
             "s3-accesspoint.eu-west-1.amazonaws.com *", "s3.dualstack.eu-west-1.amazonaws.com @ *", "s3.eu-west-1.amazonaws.com @ *"],
            AwsNameCatalogue.Zones(region, AwsNameCatalogue.Services).Select(z => $"{z.Zone} {string.Join(' ', z.Owners)}"));
    }
}
