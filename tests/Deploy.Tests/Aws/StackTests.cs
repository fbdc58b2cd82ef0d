using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>The synthesized CloudFormation template holds every property the deployment depends on.</summary>
[Collection(SharedJsiiRuntime.Name)]
public sealed class StackTests(AwsFixture aws)
{
    private const string TargetGroup = "AWS::ElasticLoadBalancingV2::TargetGroup";

    [Fact]
    public void TheLoadBalancerIsInternalAtTheFixedAddressesWithCrossZoneOn()
    {
        aws.Example.ResourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
        aws.Example.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Props(
            ("Type", "network"),
            ("Scheme", "internal"),
            ("SubnetMappings", new object[]
            {
                Props(("SubnetId", "subnet-0aaaaaaaaaaaaaaa1"), ("PrivateIPv4Address", "10.20.0.10")),
                Props(("SubnetId", "subnet-0bbbbbbbbbbbbbbb2"), ("PrivateIPv4Address", "10.20.1.10")),
            }),
            ("LoadBalancerAttributes", Match.ArrayWith([Props(("Key", "load_balancing.cross_zone.enabled"), ("Value", "true"))])),
            ("Subnets", Match.Absent())));
    }

    [Theory]
    [InlineData(8443)]
    [InlineData(3128)]
    public void ProxyTargetsTakeProxyProtocolV2AndDrainForTheProxysDrainTimeout(int port)
    {
        aws.Example.HasResourceProperties(TargetGroup, Props(
            ("Port", port),
            ("Protocol", "TCP"),
            ("HealthCheckProtocol", "HTTP"),
            ("HealthCheckPort", "8080"),
            ("HealthCheckPath", "/readyz"),
            ("HealthyThresholdCount", 2),
            ("UnhealthyThresholdCount", 2),
            ("HealthCheckIntervalSeconds", 10),
            ("TargetGroupAttributes", new object[]
            {
                Props(("Key", "deregistration_delay.timeout_seconds"), ("Value", "300")),
                Props(("Key", "proxy_protocol_v2.enabled"), ("Value", "true")),
                Props(("Key", "preserve_client_ip.enabled"), ("Value", "false")),
            })));
    }

    [Fact]
    public void DnsTargetsTakeUdpAndTcp53AndAreCheckedOverHttp()
    {
        aws.Example.HasResourceProperties(TargetGroup, Props(
            ("Port", 53), ("Protocol", "TCP_UDP"), ("HealthCheckProtocol", "HTTP"), ("HealthCheckPort", "8053"), ("HealthCheckPath", "/readyz")));
    }

    [Theory]
    [InlineData(443, "TCP")]
    [InlineData(3128, "TCP")]
    [InlineData(53, "TCP_UDP")]
    public void ListenersServeTheClientsPorts(int port, string protocol)
    {
        aws.Example.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Props(("Port", port), ("Protocol", protocol)));
    }

    [Fact]
    public void BothGroupsSpanTheSubnetsOfTwoZonesWithImdsV2AndEncryptedVolumes()
    {
        aws.Example.ResourceCountIs("AWS::AutoScaling::AutoScalingGroup", 2);
        aws.Example.AllResourcesProperties("AWS::AutoScaling::AutoScalingGroup", Props(
            ("VPCZoneIdentifier", new object[] { "subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2" }),
            ("HealthCheckType", "ELB")));
        aws.Example.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", Props(("MinSize", "2"), ("MaxSize", "6")));
        aws.Example.AllResourcesProperties("AWS::EC2::LaunchTemplate", Props(("LaunchTemplateData", Match.ObjectLike(Props(
            ("MetadataOptions", Props(("HttpTokens", "required"), ("HttpPutResponseHopLimit", 1))),
            ("BlockDeviceMappings", new object[] { Props(("DeviceName", "/dev/xvda"), ("Ebs", Match.ObjectLike(Props(("Encrypted", true))))) }),
            ("InstanceType", "t4g.small"))))));
        var parameters = Json(aws.Example)["Parameters"]!.AsObject();
        Assert.Contains(parameters, p => p.Value!["Default"]?.ToString() == "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64");
    }

    [Fact]
    public void ProxiesScaleOnCpuAt60Percent()
    {
        aws.Example.HasResourceProperties("AWS::AutoScaling::ScalingPolicy", Props(
            ("PolicyType", "TargetTrackingScaling"),
            ("TargetTrackingConfiguration", Match.ObjectLike(Props(
                ("PredefinedMetricSpecification", Props(("PredefinedMetricType", "ASGAverageCPUUtilization"))), ("TargetValue", 60))))));
    }

    [Fact]
    public void NoSecurityGroupIsOpenToTheWorld()
    {
        var resources = Json(aws.Example)["Resources"]!.AsObject();
        var rules = new List<JsonNode>();
        foreach (var (_, resource) in resources)
        {
            var properties = resource!["Properties"];
            switch (resource["Type"]!.ToString())
            {
                case "AWS::EC2::SecurityGroup":
                    rules.AddRange((properties!["SecurityGroupIngress"] as JsonArray ?? []).Concat(properties["SecurityGroupEgress"] as JsonArray ?? [])!);
                    break;
                case "AWS::EC2::SecurityGroupIngress" or "AWS::EC2::SecurityGroupEgress":
                    rules.Add(properties!);
                    break;
            }
        }

        Assert.NotEmpty(rules);
        Assert.DoesNotContain(rules, r => r["CidrIp"]?.ToString() == "0.0.0.0/0" || r["CidrIpv6"]?.ToString() == "::/0");
        Assert.DoesNotContain(rules, r => r["IpProtocol"]?.ToString() == "-1");
    }

    [Fact]
    public void ProxiesAcceptOnlyTheLoadBalancerAndReachOnlyTheEndpointsAndTheResolver()
    {
        aws.Example.HasResourceProperties("AWS::EC2::SecurityGroup", Props(
            ("GroupDescription", Match.StringLikeRegexp("^Endpoints proxies")),
            ("SecurityGroupIngress", new object[]
            {
                Rule("10.20.0.10/32", "tcp", 8443), Rule("10.20.0.10/32", "tcp", 3128), Rule("10.20.0.10/32", "tcp", 8080),
                Rule("10.20.1.10/32", "tcp", 8443), Rule("10.20.1.10/32", "tcp", 3128), Rule("10.20.1.10/32", "tcp", 8080),
            }),
            ("SecurityGroupEgress", new object[] { Rule("10.20.0.2/32", "udp", 53), Rule("10.20.0.2/32", "tcp", 53) })));
        aws.Example.ResourcePropertiesCountIs("AWS::EC2::SecurityGroupEgress", Props(
            ("DestinationPrefixListId", Match.AnyValue()), ("FromPort", 443), ("ToPort", 443), ("IpProtocol", "tcp")), 3);
        aws.Example.HasResourceProperties("AWS::EC2::SecurityGroup", Props(
            ("GroupDescription", Match.StringLikeRegexp("^Endpoints DNS servers")),
            ("SecurityGroupIngress", Match.ArrayWith([Rule("10.128.0.0/9", "udp", 53), Rule("10.128.0.0/9", "tcp", 53)]))));
    }

    [Fact]
    public void GatewayEndpointsForS3AndDynamoDbSitOnTheSubnetsRouteTables()
    {
        foreach (var service in new[] { "s3", "dynamodb" })
        {
            aws.Example.HasResourceProperties("AWS::EC2::VPCEndpoint", Props(
                ("VpcEndpointType", "Gateway"),
                ("ServiceName", Match.ObjectLike(Props(("Fn::Join", Match.ArrayWith([Match.ArrayWith([$".{service}"])]))))),
                ("RouteTableIds", new object[] { "rtb-0aaaaaaaaaaaaaaa1", "rtb-0bbbbbbbbbbbbbbb2" }),
                ("PolicyDocument", Match.Absent())));
        }

        aws.Example.ResourcePropertiesCountIs("AWS::EC2::VPCEndpoint", Props(("VpcEndpointType", "Interface")), 0);
    }

    [Fact]
    public void EndpointPoliciesAreTheGivenDocuments()
    {
        var policy = JsonNode.Parse("""
            { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Principal": "*", "Action": "s3:*",
              "Resource": ["arn:aws:s3:::corp-*", "arn:aws:s3:::corp-*/*"] } ] }
            """)!;

        var template = AwsFixture.Synthesize(aws.With(("s3EndpointPolicy", policy), ("dynamoDbEndpointPolicy", policy.DeepClone())));

        template.ResourcePropertiesCountIs("AWS::EC2::VPCEndpoint", Props(("PolicyDocument", Match.ObjectLike(Props(
            ("Statement", new object[] { Match.ObjectLike(Props(("Resource", new object[] { "arn:aws:s3:::corp-*", "arn:aws:s3:::corp-*/*" }))) }))))), 2);
    }

    [Fact]
    public void TheS3InterfaceEndpointOptionAddsPrivateDnsAfterTheGatewayAndOpensItsRangeToTheProxies()
    {
        var template = AwsFixture.Synthesize(aws.With(("s3InterfaceEndpoint", true)));
        var json = Json(template)["Resources"]!.AsObject();
        var gateway = json.Single(r => r.Value!["Properties"]?["VpcEndpointType"]?.ToString() == "Gateway" && r.Key.Contains("S3", StringComparison.Ordinal)).Key;
        var userData = UserData(template);

        template.HasResource("AWS::EC2::VPCEndpoint", Props(
            ("Properties", Match.ObjectLike(Props(
                ("VpcEndpointType", "Interface"), ("PrivateDnsEnabled", true),
                ("DnsOptions", Props(("PrivateDnsOnlyForInboundResolverEndpoint", false)))))),
            ("DependsOn", Match.ArrayWith([gateway]))));
        Assert.Contains("Environment=Proxy__AllowRange__0=10.20.0.0/24", userData, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowRange", Json(aws.Example).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InstancesMayReadTheArtifactObjectAndNothingElseInS3()
    {
        aws.Example.HasResourceProperties("AWS::IAM::Policy", Props(
            ("PolicyDocument", Match.ObjectLike(Props(("Statement", new object[]
            {
                Props(("Action", "s3:GetObject"), ("Effect", "Allow"),
                    ("Resource", Props(("Fn::Join", new object[] { "", new object[] { "arn:", Props(("Ref", "AWS::Partition")), ":s3:::example-endpoints-releases/endpoints-1.0.0-linux-arm64.tar.gz" } })))),
            }))))));
        aws.Example.HasResourceProperties("AWS::IAM::Role", Props(
            ("ManagedPolicyArns", Match.ArrayWith([Match.ObjectLike(Props(("Fn::Join", Match.ArrayWith([Match.ArrayWith([":iam::aws:policy/AmazonSSMManagedInstanceCore"])]))))]))));
    }

    [Fact]
    public void UserDataInstallsTheReleaseAndTrustsPROXYHeadersFromTheLoadBalancerOnly()
    {
        var text = UserData(aws.Example);

        Assert.Contains("aws s3 cp 's3://example-endpoints-releases/endpoints-1.0.0-linux-arm64.tar.gz'", text, StringComparison.Ordinal);
        Assert.Contains("install.sh --role proxy", text, StringComparison.Ordinal);
        Assert.Contains("install.sh --role dns", text, StringComparison.Ordinal);
        Assert.Contains("Environment=Proxy__ProxyProtocolFrom__0=10.20.0.10/32\nEnvironment=Proxy__ProxyProtocolFrom__1=10.20.1.10/32", text, StringComparison.Ordinal);
        Assert.Contains("Environment=DnsOverride__AllowRecursion__0=10.128.0.0/9", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The policy the stack writes names every zone of the shipped folder (the example's region is theirs): its apex,
    /// and its wildcard where the zone has one. A zone without its rule would answer with the proxies and be refused there.
    /// </summary>
    [Fact]
    public void TheGeneratedPolicyAllowsEveryShippedZone()
    {
        var destinations = AwsFixture.AllowedDestinations(aws.Example);

        var missing = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "zones"), "*.zone"))
        {
            var origin = Path.GetFileNameWithoutExtension(file);
            var wildcard = File.ReadLines(file).Any(line => line.StartsWith('*'));
            missing.AddRange(new[] { origin, wildcard ? "*." + origin : null }.OfType<string>().Where(name => !destinations.Contains(name)));
        }

        Assert.True(missing.Count == 0, "not in the generated policy: " + string.Join(", ", missing));
    }

    [Fact]
    public void OutputsNameTheLoadBalancerAddressesAndTheEndpoints()
    {
        aws.Example.HasOutput("LoadBalancerAddresses", Props(("Value", "10.20.0.10,10.20.1.10")));
        aws.Example.HasOutput("S3GatewayEndpointId", Match.AnyValue());
        aws.Example.HasOutput("DynamoDbGatewayEndpointId", Match.AnyValue());
    }

    private static Dictionary<string, object> Props(params (string Key, object Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    private static Matcher Rule(string cidr, string protocol, int port) =>
        Match.ObjectLike(Props(("CidrIp", cidr), ("IpProtocol", protocol), ("FromPort", port), ("ToPort", port)));

    /// <summary>Every launch template's user data script, as the instances get it.</summary>
    private static string UserData(Template template) => AwsFixture.UserData(template);

    private static JsonNode Json(Template template) => JsonNode.Parse(JsonSerializer.Serialize(template.ToJSON()))!;
}
