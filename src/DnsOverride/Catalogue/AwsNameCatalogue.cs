namespace Endpoints.DnsOverride.Catalogue;

/// <summary>
/// Every host name form an AWS SDK reaches S3 and DynamoDB by, per region, and whether the region's gateway endpoint
/// serves it. The forms are those the AWS SDK for .NET's endpoint rules produce (a test resolves every region and
/// option through them and finds each host here); Streams and S3 Control come from the AWS General Reference, since
/// their SDK packages are not used here. A served form is overridden (our zone answers it with the load balancer);
/// any other keeps its upstream answer, and a zone that holds one must be transparent (<see cref="TransparentZones"/>).
/// </summary>
internal static class AwsNameCatalogue
{
    private const string S3Gateway = "served by the S3 gateway endpoint (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html)";
    private const string DynamoDbGateway = "served by the DynamoDB gateway endpoint (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html)";
    private const string NotDocumented = "not documented as reachable through a gateway endpoint, whose route covers only the service's prefix list";

    public static readonly IReadOnlyList<NameForm> Forms =
    [
        new("s3", "path-style", "s3.{region}.{suffix}", true, S3Gateway),
        new("s3", "virtual-hosted", "*.s3.{region}.{suffix}", true, S3Gateway),
        new("s3", "dual-stack path-style", "s3.dualstack.{region}.{suffix}", true, S3Gateway + "; gateway endpoints carry IPv4 and IPv6"),
        new("s3", "dual-stack virtual-hosted", "*.s3.dualstack.{region}.{suffix}", true, S3Gateway + "; gateway endpoints carry IPv4 and IPv6"),
        new("s3", "access point", "*.s3-accesspoint.{region}.{suffix}", true,
            S3Gateway + "; access points are reached through it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html)"),
        new("s3", "dual-stack access point", "*.s3-accesspoint.dualstack.{region}.{suffix}", true, S3Gateway),
        new("s3", "global path-style (legacy)", "s3.{suffix}", true, S3Gateway + "; us-east-1 only", Region: "us-east-1"),
        new("s3", "global virtual-hosted (legacy)", "*.s3.{suffix}", true, S3Gateway + "; us-east-1 only", Region: "us-east-1"),
        new("s3", "s3-external-1 path-style (legacy)", "s3-external-1.{suffix}", true, S3Gateway + "; us-east-1 only", Region: "us-east-1"),
        new("s3", "s3-external-1 virtual-hosted (legacy)", "*.s3-external-1.{suffix}", true, S3Gateway + "; us-east-1 only", Region: "us-east-1"),
        new("s3", "FIPS path-style", "s3-fips.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("s3", "FIPS virtual-hosted", "*.s3-fips.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("s3", "FIPS dual-stack path-style", "s3-fips.dualstack.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("s3", "FIPS dual-stack virtual-hosted", "*.s3-fips.dualstack.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("s3", "FIPS access point", "*.s3-accesspoint-fips.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("s3", "FIPS dual-stack access point", "*.s3-accesspoint-fips.dualstack.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("s3", "Transfer Acceleration", "*.s3-accelerate.{suffix}", false, "served from CloudFront edge locations, not the region's S3 addresses"),
        new("s3", "dual-stack Transfer Acceleration", "*.s3-accelerate.dualstack.{suffix}", false, "served from CloudFront edge locations, not the region's S3 addresses"),
        new("s3", "Multi-Region Access Point", "*.mrap.accesspoint.s3-global.{suffix}", false, "global, through AWS Global Accelerator, not one region's gateway endpoint"),
        new("s3", "Object Lambda access point", "*.s3-object-lambda.{region}.{suffix}", false, "S3 Object Lambda is its own service (interface endpoints only)"),
        new("s3", "directory bucket (S3 Express One Zone)", "*.s3express-*.{region}.{suffix}", false,
            "zonal names, one per Availability Zone: not generated; add the zones of the AZs you use by hand"),
        new("s3", "S3 Control", "*.s3-control.{region}.{suffix}", false, "S3 Control is reached through interface endpoints only (https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html)"),
        new("dynamodb", "regional", "dynamodb.{region}.{suffix}", true, DynamoDbGateway),
        new("dynamodb", "account-based", "*.ddb.{region}.{suffix}", true, DynamoDbGateway),
        new("dynamodb", "Streams", "streams.dynamodb.{region}.{suffix}", false,
            "only interface endpoints are supported for DynamoDB Streams (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-streams.html)"),
        new("dynamodb", "FIPS", "dynamodb-fips.{region}.{suffix}", false, "FIPS: " + NotDocumented),
        new("dynamodb", "dual-stack", "dynamodb.{region}.{dualstack}", false, "dual-stack: " + NotDocumented),
        new("dynamodb", "dual-stack account-based", "*.ddb.{region}.{dualstack}", false, "dual-stack: " + NotDocumented),
        new("dynamodb", "FIPS dual-stack", "dynamodb-fips.{region}.{dualstack}", false, "FIPS: " + NotDocumented),
    ];

    public static readonly IReadOnlyList<string> Services = ["s3", "dynamodb"];

    /// <summary>The form <paramref name="host"/> has in <paramref name="region"/>, if the catalogue knows it.</summary>
    public static NameForm? Find(AwsRegion region, string host) =>
        Forms.FirstOrDefault(form => form.AppliesTo(region) && form.PatternFor(region).Matches(host));

    /// <summary>The forms of <paramref name="services"/> that apply in <paramref name="region"/>.</summary>
    public static IEnumerable<NameForm> FormsIn(AwsRegion region, IReadOnlyCollection<string> services) =>
        Forms.Where(form => form.AppliesTo(region) && services.Contains(form.Service));

    /// <summary>The zones that override <paramref name="region"/>'s served forms, each with the owners it answers.</summary>
    public static IReadOnlyList<(string Zone, IReadOnlyList<string> Owners)> Zones(AwsRegion region, IReadOnlyCollection<string> services) =>
        [.. FormsIn(region, services).Where(form => form.Served).Select(form => form.PatternFor(region))
            .GroupBy(pattern => pattern.Zone, StringComparer.OrdinalIgnoreCase)
            .Select(group => (group.Key, (IReadOnlyList<string>)[.. group.Select(p => p.Owner).Distinct().OrderBy(owner => owner == "@" ? 0 : 1)]))
            .OrderBy(zone => zone.Key, StringComparer.Ordinal)];

    /// <summary>Zones of <paramref name="region"/> holding a name that keeps its upstream answer (Streams in the DynamoDB zone).</summary>
    public static IReadOnlyList<string> TransparentZones(AwsRegion region, IReadOnlyCollection<string> services)
    {
        var kept = FormsIn(region, services).Where(form => !form.Served).Select(form => form.PatternFor(region)).ToList();
        return [.. Zones(region, services).Select(z => z.Zone).Where(zone => kept.Any(pattern => pattern.IsUnder(zone) && !pattern.Text.Equals(zone, StringComparison.OrdinalIgnoreCase)))];
    }
}
