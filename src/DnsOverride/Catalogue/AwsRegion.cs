namespace Endpoints.DnsOverride.Catalogue;

/// <summary>A region and its partition.</summary>
internal sealed record AwsRegion(string Name, AwsPartition Partition)
{
    /// <summary>
    /// The regions of the commercial, China and GovCloud partitions, as the AWS SDK for .NET 4.1 lists them
    /// (<c>RegionEndpoint.EnumerableAllRegions</c>; a test keeps the two equal). The isolated partitions (ISO, ISO-B,
    /// ISO-E, ISO-F) and the European Sovereign Cloud are left out: no corporate network reaches them from outside.
    /// </summary>
    public static readonly IReadOnlyList<AwsRegion> All =
    [
        .. new[]
        {
            "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
            "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
            "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
            "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
            "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        }.Select(name => new AwsRegion(name, AwsPartition.Aws)),
        new("cn-north-1", AwsPartition.China),
        new("cn-northwest-1", AwsPartition.China),
        new("us-gov-east-1", AwsPartition.GovCloud),
        new("us-gov-west-1", AwsPartition.GovCloud),
    ];

    public static AwsRegion? Find(string name) => All.FirstOrDefault(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Name;
}
