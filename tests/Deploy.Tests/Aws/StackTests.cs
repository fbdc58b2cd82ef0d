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
                Props(("Key", "deregistration_delay.connection_termination.enabled"), ("Value", "true")),
                Props(("Key", "target_health_state.unhealthy.connection_termination.enabled"), ("Value", "false")),
                Props(("Key", "target_health_state.unhealthy.draining_interval_seconds"), ("Value", "300")),
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
            ("InstanceType", "t4g.small"),

            // The latest image at each launch: no AMI id in the template, so a deploy does not re-roll the group for a new image.
            ("ImageId", "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"))))));
    }

    /// <summary>A release that does not come up stops the rollout: each instance signals after /readyz answers.</summary>
    [Fact]
    public void RollingUpdatesWaitForEachInstancesSignalWithHealthChecksOn()
    {
        aws.Example.AllResources("AWS::AutoScaling::AutoScalingGroup", Match.ObjectLike(Props(
            ("CreationPolicy", Props(("ResourceSignal", Props(("Count", 2), ("Timeout", "PT15M"))))),
            ("UpdatePolicy", Match.ObjectLike(Props(("AutoScalingRollingUpdate", Props(
                ("MaxBatchSize", 1), ("MinInstancesInService", 2), ("WaitOnResourceSignals", true), ("MinSuccessfulInstancesPercent", 100),
                ("PauseTime", "PT15M"), ("SuspendProcesses", new object[] { "AZRebalance", "AlarmNotification", "ScheduledActions" })))))))));
        var userData = UserData(aws.Example);
        Assert.Matches(@"curl -sf http://127\.0\.0\.1:8080/readyz .*\n/opt/aws/bin/cfn-signal --stack Endpoints --resource ProxiesGroupASG[0-9A-F]{8} --region us-east-1 --success ""\$ready""", userData);
        Assert.Matches(@"curl -sf http://127\.0\.0\.1:8053/readyz .*\n/opt/aws/bin/cfn-signal --stack Endpoints --resource DnsServersGroupASG[0-9A-F]{8} --region us-east-1", userData);
        Assert.Contains("dnf install -y -q aws-cfn-bootstrap", userData, StringComparison.Ordinal);
    }

    [Fact]
    public void NoLambdaRunsUnderTheStack()
    {
        var types = Json(aws.Example)["Resources"]!.AsObject().Select(r => r.Value!["Type"]!.ToString()).ToList();

        Assert.DoesNotContain(types, t => t.StartsWith("AWS::Lambda::", StringComparison.Ordinal) || t.StartsWith("Custom::", StringComparison.Ordinal));
    }

    [Fact]
    public void BothTiersScaleOnCpuAt60Percent()
    {
        aws.Example.ResourcePropertiesCountIs("AWS::AutoScaling::ScalingPolicy", Props(
            ("PolicyType", "TargetTrackingScaling"),
            ("TargetTrackingConfiguration", Match.ObjectLike(Props(
                ("PredefinedMetricSpecification", Props(("PredefinedMetricType", "ASGAverageCPUUtilization"))), ("TargetValue", 60))))), 2);
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
        var groups = Json(aws.Example)["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.ToString() == "AWS::EC2::SecurityGroup")
            .ToDictionary(r => r.Value!["Properties"]!["GroupDescription"]!.ToString().Split(':')[0], r => r.Key);
        var balancer = groups["Endpoints load balancer"];
        aws.Example.HasResourceProperties("AWS::EC2::SecurityGroup", Props(
            ("GroupDescription", Match.StringLikeRegexp("^Endpoints proxies")),
            ("SecurityGroupIngress", Match.Absent()),
            ("SecurityGroupEgress", new object[] { Rule("10.20.0.2/32", "udp", 53), Rule("10.20.0.2/32", "tcp", 53) })));
        foreach (var port in new[] { 8443, 3128, 8080 })
        {
            aws.Example.HasResourceProperties("AWS::EC2::SecurityGroupIngress", Props(
                ("GroupId", Props(("Fn::GetAtt", new object[] { groups["Endpoints proxies"], "GroupId" }))),
                ("SourceSecurityGroupId", Props(("Fn::GetAtt", new object[] { balancer, "GroupId" }))), ("IpProtocol", "tcp"), ("FromPort", port), ("ToPort", port)));
        }

        aws.Example.ResourcePropertiesCountIs("AWS::EC2::SecurityGroupEgress", Props(
            ("DestinationPrefixListId", "pl-63a5400a"), ("FromPort", 443), ("ToPort", 443), ("IpProtocol", "tcp")), 2);
        aws.Example.ResourcePropertiesCountIs("AWS::EC2::SecurityGroupEgress", Props(
            ("DestinationPrefixListId", "pl-02cd2c6b"), ("FromPort", 443), ("ToPort", 443), ("IpProtocol", "tcp")), 1);
        aws.Example.HasResourceProperties("AWS::EC2::SecurityGroup", Props(
            ("GroupDescription", Match.StringLikeRegexp("^Endpoints DNS servers")),
            ("SecurityGroupIngress", Match.ArrayWith([Rule("10.128.0.0/9", "udp", 53), Rule("10.128.0.0/9", "tcp", 53)]))));
    }

    /// <summary>The load balancer has its own group (settable only at creation): the corporate networks on the service ports, nothing else.</summary>
    [Fact]
    public void TheLoadBalancerHasAGroupOpenToTheCorporateNetworksOnly()
    {
        var balancer = Json(aws.Example)["Resources"]!.AsObject().Single(r => r.Value!["Properties"]?["GroupDescription"]?.ToString().StartsWith("Endpoints load balancer", StringComparison.Ordinal) == true).Key;
        aws.Example.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Props(
            ("SecurityGroups", new object[] { Props(("Fn::GetAtt", new object[] { balancer, "GroupId" })) }),
            ("LoadBalancerAttributes", Match.ArrayWith([Props(("Key", "deletion_protection.enabled"), ("Value", "true"))]))));
        aws.Example.HasResourceProperties("AWS::EC2::SecurityGroup", Props(
            ("GroupDescription", Match.StringLikeRegexp("^Endpoints load balancer")),
            ("SecurityGroupIngress", new object[]
            {
                Rule("10.128.0.0/9", "tcp", 443), Rule("10.128.0.0/9", "tcp", 3128), Rule("10.128.0.0/9", "udp", 53), Rule("10.128.0.0/9", "tcp", 53),
                Rule("192.168.0.0/16", "tcp", 443), Rule("192.168.0.0/16", "tcp", 3128), Rule("192.168.0.0/16", "udp", 53), Rule("192.168.0.0/16", "tcp", 53),
            })));
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
                ("PolicyDocument", service == "s3" ? Match.ObjectLike(Props(("Version", "2012-10-17"))) : Match.Absent())));
        }

        aws.Example.ResourcePropertiesCountIs("AWS::EC2::VPCEndpoint", Props(("VpcEndpointType", "Interface")), 0);
    }

    /// <summary>
    /// Without a given policy, the S3 endpoint reaches the buckets of this account and of s3ResourceAccounts, the
    /// release and the OS repositories: bucket-level control is here, since path style hides the bucket from SNI.
    /// </summary>
    [Fact]
    public void TheDefaultS3EndpointPolicyReachesOnlyOurAccountsBucketsTheReleaseAndTheOsRepositories()
    {
        var template = AwsFixture.Synthesize(aws.With(("s3ResourceAccounts", new JsonArray("111122223333"))));

        template.HasResourceProperties("AWS::EC2::VPCEndpoint", Props(("PolicyDocument", Props(("Version", "2012-10-17"), ("Statement", new object[]
        {
            Props(("Sid", "OurAccountsBuckets"), ("Effect", "Allow"), ("Principal", "*"), ("Action", "s3:*"), ("Resource", "*"),
                ("Condition", Props(("StringEquals", Props(("aws:ResourceAccount", new object[] { Props(("Ref", "AWS::AccountId")), "111122223333" })))))),
            Match.ObjectLike(Props(("Sid", "ReleaseAndOsPackages"), ("Action", "s3:GetObject"))),
        })))));
        Assert.Contains(":s3:::al2023-repos-us-east-1-*/*", Json(template).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExistingGatewayEndpointsAreReusedNotDuplicated()
    {
        var template = AwsFixture.Synthesize(aws.With(("existingGatewayEndpoints", new JsonObject { ["s3"] = "vpce-0123456789abcdef0", ["dynamodb"] = "vpce-0123456789abcdef1" })));

        template.ResourceCountIs("AWS::EC2::VPCEndpoint", 0);
        template.HasOutput("S3GatewayEndpointId", Props(("Value", "vpce-0123456789abcdef0")));
    }

    [Fact]
    public void ManagementEndpointsAreInterfaceEndpointsOpenToTheTiersOnly()
    {
        var template = AwsFixture.Synthesize(aws.With(("managementEndpoints", true)));

        foreach (var service in new[] { "ssm", "ssmmessages", "ec2messages", "logs" })
        {
            template.HasResourceProperties("AWS::EC2::VPCEndpoint", Props(
                ("VpcEndpointType", "Interface"), ("PrivateDnsEnabled", true), ("ServiceName", $"com.amazonaws.us-east-1.{service}")));
        }

        // Only the two tiers, on 443: no VPC-wide rule (CDK opens the VPC's range unless told not to).
        Assert.DoesNotContain("10.20.0.0/16", Json(template).ToJsonString(), StringComparison.Ordinal);
        template.ResourcePropertiesCountIs("AWS::EC2::SecurityGroupIngress", Props(
            ("Description", "an Endpoints tier"), ("FromPort", 443), ("ToPort", 443), ("IpProtocol", "tcp")), 8);
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
        // Both tiers reach it (S3 names resolve to it, the artifact fetch too); it accepts the tiers only.
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
        template.ResourcePropertiesCountIs("AWS::EC2::SecurityGroupEgress", Props(
            ("Description", "interface endpoints (S3, SSM, CloudWatch Logs)"), ("FromPort", 443), ("ToPort", 443)), 2);
        template.ResourcePropertiesCountIs("AWS::EC2::SecurityGroupIngress", Props(("Description", "an Endpoints tier"), ("FromPort", 443)), 2);
        Assert.DoesNotContain("10.20.0.0/16", Json(template).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InstancesMayReadTheArtifactObjectAndNothingElseInS3()
    {
        aws.Example.ResourcePropertiesCountIs("AWS::IAM::Policy", Props(
            ("PolicyDocument", Match.ObjectLike(Props(("Statement", new object[]
            {
                Props(("Action", "s3:GetObject"), ("Effect", "Allow"),
                    ("Resource", Props(("Fn::Join", new object[] { "", new object[] { "arn:", Props(("Ref", "AWS::Partition")), ":s3:::example-endpoints-releases/endpoints-1.0.0-linux-arm64.tar.xz" } })))),
                Props(("Action", "cloudformation:SignalResource"), ("Effect", "Allow"), ("Resource", Props(("Ref", "AWS::StackId")))),
            }))))), 2);

        // Session Manager only: the CloudWatch agent is not installed, so its policy is not granted.
        aws.Example.AllResourcesProperties("AWS::IAM::Role", Props(
            ("ManagedPolicyArns", new object[] { Match.ObjectLike(Props(("Fn::Join", Match.ArrayWith([Match.ArrayWith([":iam::aws:policy/AmazonSSMManagedInstanceCore"])])))) })));
    }

    [Fact]
    public void UserDataInstallsTheReleaseAndTrustsPROXYHeadersFromTheLoadBalancerOnly()
    {
        var text = UserData(aws.Example);

        Assert.Contains("aws s3 cp 's3://example-endpoints-releases/endpoints-1.0.0-linux-arm64.tar.xz'", text, StringComparison.Ordinal);
        Assert.Contains("dnf install -y -q aws-cfn-bootstrap xz\n", text, StringComparison.Ordinal);
        Assert.Contains("-xJf /tmp/endpoints.tar.xz", text, StringComparison.Ordinal);
        Assert.Contains("install.sh --role proxy", text, StringComparison.Ordinal);
        Assert.Contains("install.sh --role dns", text, StringComparison.Ordinal);
        Assert.Contains("Environment=Proxy__ProxyProtocolFrom__0=10.20.0.10/32\nEnvironment=Proxy__ProxyProtocolFrom__1=10.20.1.10/32", text, StringComparison.Ordinal);
        Assert.Contains("Environment=DnsOverride__AllowRecursion__0=10.128.0.0/9", text, StringComparison.Ordinal);
    }

    /// <summary>systemd-resolved's stub holds 127.0.0.53:53 on Amazon Linux 2023: the DNS tier turns it off and forwards to the VPC resolver.</summary>
    [Fact]
    public void TheDnsTierTurnsOffTheResolvedStubAndForwardsToTheVpcResolver()
    {
        var text = UserData(aws.Example);

        Assert.Contains("printf '[Resolve]\\nDNSStubListener=no\\n' > /etc/systemd/resolved.conf.d/endpoints.conf", text, StringComparison.Ordinal);
        Assert.Contains("ln -sf /run/systemd/resolve/resolv.conf /etc/resolv.conf", text, StringComparison.Ordinal);
        Assert.Contains("Environment=DnsOverride__Upstream__0=10.20.0.2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ZonesFromGitUseATokenFromSsmAndAFailedFirstSyncDoesNotStopTheInstance()
    {
        var template = AwsFixture.Synthesize(aws.With(
            ("zonesRepository", "https://github.com/corp/zones.git"), ("zonesTokenParameter", "/endpoints/zones-token")));
        var text = UserData(template);

        Assert.Contains("dnf install -y -q aws-cfn-bootstrap xz git", text, StringComparison.Ordinal);
        Assert.Contains("aws ssm get-parameter --name '/endpoints/zones-token' --with-decryption", text, StringComparison.Ordinal);
        Assert.Contains("GIT_CONFIG_KEY_0=http.extraHeader", text, StringComparison.Ordinal);
        Assert.Contains("systemctl start endpoints-zones-sync.service || echo 'first zones sync failed; the timer retries'", text, StringComparison.Ordinal);
        template.HasResourceProperties("AWS::IAM::Policy", Props(("PolicyDocument", Match.ObjectLike(Props(("Statement", Match.ArrayWith([
            Match.ObjectLike(Props(("Action", "ssm:GetParameter"), ("Resource", Match.ObjectLike(Props(("Fn::Join", Match.ArrayWith([Match.ArrayWith([":parameter/endpoints/zones-token"])]))))))),
        ])))))));
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
