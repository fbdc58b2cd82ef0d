using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.CustomResources;
using Constructs;

namespace Endpoints.Aws;

/// <summary>
/// Gateway endpoints for S3 and DynamoDB on the subnets' route tables (no hourly charge): the proxies resolve the
/// public names through the VPC resolver and the traffic follows the endpoints' prefix-list routes. Optionally an
/// S3 interface endpoint with private DNS, which AWS only allows once the gateway endpoint exists. DynamoDB stays on
/// its gateway endpoint: its interface endpoints have no private DNS (docs/deploy-aws.md says why).
/// </summary>
internal sealed class VpcEndpoints : Construct
{
    public VpcEndpoints(Construct scope, string id, StackInputs inputs, IVpc vpc, ISubnet[] subnets, ISecurityGroup proxies)
        : base(scope, id)
    {
        var selection = new ISubnetSelection[] { new SubnetSelection { Subnets = subnets } };
        S3 = new GatewayVpcEndpoint(this, "S3", new GatewayVpcEndpointProps { Vpc = vpc, Service = GatewayVpcEndpointAwsService.S3, Subnets = selection });
        DynamoDb = new GatewayVpcEndpoint(this, "DynamoDb", new GatewayVpcEndpointProps { Vpc = vpc, Service = GatewayVpcEndpointAwsService.DYNAMODB, Subnets = selection });
        SetPolicy(S3, inputs.S3EndpointPolicy);
        SetPolicy(DynamoDb, inputs.DynamoDbEndpointPolicy);
        S3PrefixList = PrefixListId("S3PrefixList", $"com.amazonaws.{inputs.Region}.s3");
        DynamoDbPrefixList = PrefixListId("DynamoDbPrefixList", $"com.amazonaws.{inputs.Region}.dynamodb");

        if (inputs.S3InterfaceEndpoint)
        {
            var group = new SecurityGroup(this, "S3InterfaceGroup", new SecurityGroupProps
            {
                Vpc = vpc,
                AllowAllOutbound = false,
                Description = "S3 interface endpoint: HTTPS from the proxies only",
            });
            group.AddIngressRule(proxies, Port.Tcp(443), "proxies");
            S3Interface = new InterfaceVpcEndpoint(this, "S3Interface", new InterfaceVpcEndpointProps
            {
                Vpc = vpc,
                Service = new InterfaceVpcEndpointAwsService("s3"),
                Subnets = new SubnetSelection { Subnets = subnets },
                SecurityGroups = [group],
                PrivateDnsEnabled = true,
            });

            // Private DNS for S3 needs the gateway endpoint first; resolving to the interface inside the VPC too is
            // what sends the proxies' traffic to it.
            var endpoint = (CfnVPCEndpoint)S3Interface.Node.DefaultChild!;
            endpoint.AddPropertyOverride("DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint", false);
            S3Interface.Node.AddDependency(S3);
            SetPolicy(S3Interface, inputs.S3EndpointPolicy);
            InterfaceGroup = group;
        }
    }

    public GatewayVpcEndpoint S3 { get; }

    public GatewayVpcEndpoint DynamoDb { get; }

    public InterfaceVpcEndpoint? S3Interface { get; }

    public SecurityGroup? InterfaceGroup { get; }

    /// <summary>The region's S3 prefix list id, for the proxies' egress rule.</summary>
    public string S3PrefixList { get; }

    public string DynamoDbPrefixList { get; }

    private static void SetPolicy(Construct endpoint, System.Text.Json.Nodes.JsonObject? policy)
    {
        if (policy is not null)
        {
            var resource = (CfnVPCEndpoint)endpoint.Node.DefaultChild!;
            resource.PolicyDocument = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(policy.ToJsonString(), JsonObjects.Options);
        }
    }

    /// <summary>
    /// Prefix list ids differ per region and account partition and CloudFormation has no attribute for them, so
    /// they are looked up at deploy time (ec2:DescribeManagedPrefixLists) rather than typed in.
    /// </summary>
    private string PrefixListId(string id, string name)
    {
        var call = new AwsSdkCall
        {
            Service = "EC2",
            Action = "describeManagedPrefixLists",
            Parameters = new Dictionary<string, object>
            {
                ["Filters"] = new object[] { new Dictionary<string, object> { ["Name"] = "prefix-list-name", ["Values"] = new[] { name } } },
            },
            PhysicalResourceId = PhysicalResourceId.Of(name),
            OutputPaths = ["PrefixLists.0.PrefixListId"],
        };
        var lookup = new AwsCustomResource(this, id, new AwsCustomResourceProps
        {
            OnCreate = call,
            OnUpdate = call,
            Policy = AwsCustomResourcePolicy.FromStatements(
            [
                new PolicyStatement(new PolicyStatementProps { Actions = ["ec2:DescribeManagedPrefixLists"], Resources = ["*"] }),
            ]),
            InstallLatestAwsSdk = false,
        });
        return lookup.GetResponseField("PrefixLists.0.PrefixListId");
    }
}
