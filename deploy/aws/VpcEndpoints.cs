using System.Text.Json.Nodes;
using Amazon.CDK.AWS.EC2;
using Constructs;

namespace Endpoints.Aws;

/// <summary>
/// Gateway endpoints for S3 and DynamoDB on the subnets' route tables (no hourly charge), or the ones already there
/// (a second gateway endpoint for a service on the same route table conflicts): the proxies resolve the public
/// names through the VPC resolver and the traffic follows the prefix-list routes. The prefix list ids are inputs,
/// so no Lambda looks them up and no runtime can expire under the stack. The S3 endpoint's policy, unless given,
/// reaches only the buckets of this account and of <c>s3ResourceAccounts</c> (plus the release artifact and the
/// Amazon Linux repositories the instances install from): bucket-level control lives here, not in the proxy, since
/// path-style requests hide the bucket from SNI. Optionally an S3 interface endpoint with private DNS, and the
/// interface endpoints Session Manager needs; each accepts 443 from the two tiers only.
/// </summary>
internal sealed class VpcEndpoints : Construct
{
    private static readonly string[] ManagementServices = ["ssm", "ssmmessages", "ec2messages", "logs"];

    public VpcEndpoints(Construct scope, string id, StackInputs inputs, IVpc vpc, ISubnet[] subnets, ISecurityGroup[] tiers)
        : base(scope, id)
    {
        var selection = new ISubnetSelection[] { new SubnetSelection { Subnets = subnets } };
        S3 = inputs.ExistingS3Endpoint is { } s3 ? GatewayVpcEndpoint.FromGatewayVpcEndpointId(this, "S3", s3)
            : Gateway("S3", vpc, GatewayVpcEndpointAwsService.S3, selection, inputs.S3EndpointPolicy ?? DefaultS3Policy(inputs));
        DynamoDb = inputs.ExistingDynamoDbEndpoint is { } dynamo ? GatewayVpcEndpoint.FromGatewayVpcEndpointId(this, "DynamoDb", dynamo)
            : Gateway("DynamoDb", vpc, GatewayVpcEndpointAwsService.DYNAMODB, selection, inputs.DynamoDbEndpointPolicy);

        if (inputs.S3InterfaceEndpoint)
        {
            S3Interface = Interface("S3Interface", new InterfaceVpcEndpointAwsService("s3"), vpc, subnets, tiers, out var group);
            InterfaceGroups.Add(group);

            // Private DNS for S3 needs the gateway endpoint first; resolving to the interface inside the VPC too is
            // what sends the tiers' traffic (the proxies' and the artifact fetch) to it.
            var endpoint = (CfnVPCEndpoint)S3Interface.Node.DefaultChild!;
            endpoint.AddPropertyOverride("DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint", false);
            S3Interface.Node.AddDependency(S3);
            SetPolicy(S3Interface, inputs.S3EndpointPolicy ?? DefaultS3Policy(inputs));
        }

        if (inputs.ManagementEndpoints)
        {
            foreach (var service in ManagementServices)
            {
                Interface(service, new InterfaceVpcEndpointAwsService(service), vpc, subnets, tiers, out var group);
                InterfaceGroups.Add(group);
            }
        }
    }

    public IGatewayVpcEndpoint S3 { get; }

    public IGatewayVpcEndpoint DynamoDb { get; }

    public InterfaceVpcEndpoint? S3Interface { get; }

    /// <summary>The security groups of the interface endpoints, which the tiers' egress allows on 443.</summary>
    public List<SecurityGroup> InterfaceGroups { get; } = [];

    /// <summary>
    /// The S3 endpoint's default policy: every S3 action on buckets owned by this account or by one of
    /// <c>s3ResourceAccounts</c>; reads of the release artifact (which may live in another account) and of the Amazon
    /// Linux 2023 repositories, which are S3 buckets AWS owns.
    /// </summary>
    public static JsonObject DefaultS3Policy(StackInputs inputs) => new()
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(
            new JsonObject
            {
                ["Sid"] = "OurAccountsBuckets",
                ["Effect"] = "Allow",
                ["Principal"] = "*",
                ["Action"] = "s3:*",
                ["Resource"] = "*",
                ["Condition"] = new JsonObject
                {
                    ["StringEquals"] = new JsonObject
                    {
                        ["aws:ResourceAccount"] = new JsonArray([Amazon.CDK.Aws.ACCOUNT_ID, .. inputs.S3ResourceAccounts.Select(a => (JsonNode)a)]),
                    },
                },
            },
            new JsonObject
            {
                ["Sid"] = "ReleaseAndOsPackages",
                ["Effect"] = "Allow",
                ["Principal"] = "*",
                ["Action"] = "s3:GetObject",
                ["Resource"] = new JsonArray(
                    $"arn:{Amazon.CDK.Aws.PARTITION}:s3:::{inputs.ArtifactBucket}/{inputs.ArtifactKey}",
                    $"arn:{Amazon.CDK.Aws.PARTITION}:s3:::al2023-repos-{inputs.Region}-*/*"),
            }),
    };

    private GatewayVpcEndpoint Gateway(string id, IVpc vpc, GatewayVpcEndpointAwsService service, ISubnetSelection[] subnets, JsonObject? policy)
    {
        var endpoint = new GatewayVpcEndpoint(this, id, new GatewayVpcEndpointProps { Vpc = vpc, Service = service, Subnets = subnets });
        SetPolicy(endpoint, policy);
        return endpoint;
    }

    /// <summary>An interface endpoint with its own group, open to the tiers on 443 and to nothing else (CDK's default opens the VPC).</summary>
    private InterfaceVpcEndpoint Interface(string id, IInterfaceVpcEndpointService service, IVpc vpc, ISubnet[] subnets, ISecurityGroup[] tiers, out SecurityGroup group)
    {
        group = new SecurityGroup(this, id + "Group", new SecurityGroupProps
        {
            Vpc = vpc,
            AllowAllOutbound = false,
            Description = $"{id} interface endpoint: HTTPS from the Endpoints tiers only",
        });
        foreach (var tier in tiers)
        {
            group.AddIngressRule(tier, Port.Tcp(443), "an Endpoints tier");
        }

        return new InterfaceVpcEndpoint(this, id, new InterfaceVpcEndpointProps
        {
            Vpc = vpc,
            Service = service,
            Subnets = new SubnetSelection { Subnets = subnets },
            SecurityGroups = [group],
            Open = false,
            PrivateDnsEnabled = true,
        });
    }

    private static void SetPolicy(Construct endpoint, JsonObject? policy)
    {
        if (policy is not null)
        {
            var resource = (CfnVPCEndpoint)endpoint.Node.DefaultChild!;
            resource.PolicyDocument = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(policy.ToJsonString(), JsonObjects.Options);
        }
    }
}
