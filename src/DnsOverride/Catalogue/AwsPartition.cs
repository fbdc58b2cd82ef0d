namespace Endpoints.DnsOverride.Catalogue;

/// <summary>
/// An AWS partition: the DNS suffix of its service names (<c>amazonaws.com</c>, <c>amazonaws.com.cn</c>), and the
/// suffix DynamoDB's dual-stack names use (<c>api.aws</c>), both as the SDK's endpoint rules spell them.
/// </summary>
internal sealed record AwsPartition(string Name, string DnsSuffix, string DualStackSuffix)
{
    public static readonly AwsPartition Aws = new("aws", "amazonaws.com", "api.aws");
    public static readonly AwsPartition China = new("aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn");
    public static readonly AwsPartition GovCloud = new("aws-us-gov", "amazonaws.com", "api.aws");
}
