using System.Text.Json.Nodes;
using Endpoints.Aws;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>Bad inputs stop synthesis with every problem named by its path: no socket, no jsii, just the reader.</summary>
[Collection(SharedJsiiRuntime.Name)]
public sealed class InputsTests(AwsFixture aws)
{
    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "vpcId", "null", "endpoints.vpcId: missing; a VPC id (vpc-...)" },
        { "vpcId", "\"vpc-nope\"", "endpoints.vpcId: \"vpc-nope\" is not a VPC id (vpc-...)" },
        {
            "subnets",
            Subnets(("us-east-1a", "10.20.0.0/24", "10.20.0.10"), ("us-east-1a", "10.20.1.0/24", "10.20.1.10")),
            "endpoints.subnets: all in one availability zone; the load balancer and both tiers need two or more"
        },
        {
            "subnets",
            Subnets(("us-east-1a", "10.20.0.0/24", "10.20.5.10"), ("us-east-1b", "10.20.1.0/24", "10.20.1.3")),
            "endpoints.subnets[0].loadBalancerAddress: 10.20.5.10 is outside its subnet 10.20.0.0/24"
        },
        {
            "subnets",
            Subnets(("us-east-1a", "10.20.0.0/24", "10.20.0.10"), ("us-east-1b", "10.20.1.0/24", "10.20.1.3")),
            "endpoints.subnets[1].loadBalancerAddress: 10.20.1.3 is one of the five addresses AWS reserves in 10.20.1.0/24 (the first four and the last)"
        },
        {
            "subnets",
            Subnets(("us-east-1a", "10.99.0.0/24", "10.99.0.10")),
            "endpoints.subnets[0].cidr: 10.99.0.0/24 is outside the VPC's 10.20.0.0/16"
        },
        { "corporateCidrs", """["0.0.0.0/0"]""", "endpoints.corporateCidrs[0]: 0.0.0.0/0 would open the service to every address; name the corporate networks" },
        { "corporateCidrs", """["10.0.0.1/8"]""", "endpoints.corporateCidrs[0]: \"10.0.0.1/8\" is not an IPv4 CIDR with its host bits zero, such as 10.20.0.0/24" },
        { "proxies", """{ "instanceType": "t4g.small", "min": 4, "max": 2 }""", "endpoints.proxies: max 2 must be above min 4" },
        { "dnsServers", """{ "instanceType": "t4g.small", "min": 2, "max": 2 }""", "endpoints.dnsServers: max 2 must be above min 2: a rolling update keeps min instances in service" },
        { "prefixLists", "null", "endpoints.prefixLists: missing; { \"s3\": ..., \"dynamodb\": ... }, each a prefix list id (pl-...)" },
        { "prefixLists", """{ "s3": "pl-63a5400a" }""", "endpoints.prefixLists.dynamodb: missing; a prefix list id (pl-...)" },
        { "prefixLists", """{ "s3": "com.amazonaws.us-east-1.s3", "dynamodb": "pl-02cd2c6b" }""", "endpoints.prefixLists.s3: \"com.amazonaws.us-east-1.s3\" is not a prefix list id (pl-...)" },
        { "existingGatewayEndpoints", """{ "s3": "vpce-1" }""", "endpoints.existingGatewayEndpoints.s3: \"vpce-1\" is not a VPC endpoint id (vpce-...)" },
        { "s3ResourceAccounts", """["12345"]""", "endpoints.s3ResourceAccounts: a list of 12-digit account ids" },
        { "zonesRepository", "\"git@github.com:corp/zones.git\"", "endpoints.zonesRepository: \"git@github.com:corp/zones.git\" is not an https:// git URL" },
        { "zonesRepository", "\"https://user:secret@github.com/corp/zones.git\"", "endpoints.zonesRepository: \"https://user:secret@github.com/corp/zones.git\" is not an https:// git URL" },
        { "zonesTokenParameter", "\"/endpoints/zones-token\"", "endpoints.zonesTokenParameter: given without zonesRepository" },
        { "proxies", """{ "instanceType": "m7i.large", "min": 2, "max": 4 }""", "endpoints.proxies.instanceType: m7i.large runs x64, but the artifact is linux-arm64" },
        { "dnsServers", """{ "instanceType": "t4g.small", "mni": 2, "max": 4 }""", "endpoints.dnsServers.mni: unknown key; did you mean 'min'?" },
        { "artifact", "\"https://example.com/endpoints.tgz\"", "endpoints.artifact: \"https://example.com/endpoints.tgz\" is not the release artifact's S3 URI" },
        { "s3EndpointPolicy", """{ "Version": "2012-10-17" }""", "endpoints.s3EndpointPolicy: must be an IAM policy document with a non-empty \"Statement\" list" },
        { "vpcID", "\"vpc-0123456789abcdef0\"", "endpoints.vpcID: unknown key; did you mean 'vpcId'?" },
    };

    /// <summary>Subnets as cdk.json spells them, ids numbered in order.</summary>
    private static string Subnets(params (string Zone, string Cidr, string Address)[] subnets) =>
        new JsonArray([.. subnets.Select((s, i) => (JsonNode)new JsonObject
        {
            ["id"] = $"subnet-0aaaaaaaaaaaaaaa{i}", ["availabilityZone"] = s.Zone, ["cidr"] = s.Cidr,
            ["routeTableId"] = $"rtb-0aaaaaaaaaaaaaaa{i}", ["loadBalancerAddress"] = s.Address,
        })]).ToJsonString();

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputsAreRefusedWithTheirPath(string key, string value, string error)
    {
        var context = aws.With((key, JsonNode.Parse(value)));

        var (inputs, errors) = StackInputs.Parse(context);

        Assert.Null(inputs);
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var context = aws.With(("vpcId", null), ("region", JsonValue.Create("mars-1")), ("corporateCidrs", new JsonArray()));

        var (_, errors) = StackInputs.Parse(context);

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void TheExampleInCdkJsonIsValid()
    {
        var (inputs, errors) = StackInputs.Parse(aws.ExampleContext);

        Assert.Empty(errors);
        Assert.Equal(["us-east-1a", "us-east-1b"], inputs!.Subnets.Select(s => s.AvailabilityZone));
    }

    [Fact]
    public void InputsGivenOnTheCommandLineArriveAsAString()
    {
        var (inputs, errors) = StackInputs.Parse(JsonValue.Create(aws.ExampleContext.ToJsonString()));

        Assert.Empty(errors);
        Assert.Equal("vpc-0123456789abcdef0", inputs!.VpcId);
    }
}
