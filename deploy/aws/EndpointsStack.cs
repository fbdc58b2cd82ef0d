using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Constructs;
using Elb = Amazon.CDK.AWS.ElasticLoadBalancingV2;

namespace Endpoints.Aws;

/// <summary>
/// The brief's picture on AWS (docs/architecture.md): an internal NLB at fixed addresses, one per subnet, in front of
/// an Auto Scaling proxy farm (TLS and CONNECT, PROXY protocol v2) and the DNS override servers (UDP and TCP 53),
/// with S3 and DynamoDB reached through VPC endpoints. Nothing accepts traffic from 0.0.0.0/0.
/// </summary>
internal sealed class EndpointsStack : Stack
{
    public EndpointsStack(Construct scope, StackInputs inputs, IStackProps props)
        : base(scope, inputs.StackName, props)
    {
        var vpc = Vpc.FromVpcAttributes(this, "Vpc", new VpcAttributes
        {
            VpcId = inputs.VpcId,
            VpcCidrBlock = inputs.VpcCidr.ToString(),
            AvailabilityZones = [.. inputs.Subnets.Select(s => s.AvailabilityZone).Distinct()],
            PrivateSubnetIds = [.. inputs.Subnets.Select(s => s.Id)],
            PrivateSubnetRouteTableIds = [.. inputs.Subnets.Select(s => s.RouteTableId)],
        });
        var subnets = inputs.Subnets.Select((s, i) => Subnet.FromSubnetAttributes(this, $"Subnet{i}", new SubnetAttributes
        {
            SubnetId = s.Id,
            AvailabilityZone = s.AvailabilityZone,
            Ipv4CidrBlock = s.Cidr.ToString(),
            RouteTableId = s.RouteTableId,
        })).ToArray();

        var proxyGroup = new SecurityGroup(this, "ProxyGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            AllowAllOutbound = false,
            Description = "Endpoints proxies: from the load balancer; to S3, DynamoDB and the VPC resolver",
        });
        var dnsGroup = new SecurityGroup(this, "DnsGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            AllowAllOutbound = false,
            Description = "Endpoints DNS servers: 53 from the corporate networks; to the VPC resolver",
        });
        var balancerGroup = new SecurityGroup(this, "LoadBalancerGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            AllowAllOutbound = false,
            Description = "Endpoints load balancer: 443, 3128 and 53 from the corporate networks; to the tiers",
        });
        var endpoints = new VpcEndpoints(this, "Endpoints", inputs, vpc, subnets, [proxyGroup, dnsGroup]);
        Allow(inputs, endpoints, balancerGroup, proxyGroup, dnsGroup);

        var proxies = new ServiceTier(this, "Proxies", inputs, inputs.Proxies, vpc, subnets, proxyGroup, BootstrapScript.Proxy(inputs), Ports.ProxyHealth);
        var dns = new ServiceTier(this, "DnsServers", inputs, inputs.DnsServers, vpc, subnets, dnsGroup, BootstrapScript.Dns(inputs), Ports.DnsHealth);
        proxies.Group.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = 60 });
        dns.Group.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = 60 });
        if (inputs.ZonesTokenParameter is { } parameter)
        {
            dns.Role.AddToPolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
            {
                Actions = ["ssm:GetParameter"],
                Resources = [$"arn:{Amazon.CDK.Aws.PARTITION}:ssm:{inputs.Region}:{Amazon.CDK.Aws.ACCOUNT_ID}:parameter{parameter}"],
            }));
        }

        var balancer = LoadBalancer(inputs, vpc, subnets, balancerGroup, proxies.Group, dns.Group);

        Output("LoadBalancerAddresses", string.Join(",", inputs.Subnets.Select(s => s.LoadBalancerAddress)),
            "Put these in the zone files (A records) and in the corporate DNS conditional forwarders");
        Output("LoadBalancerDnsName", balancer.LoadBalancerDnsName, "The internal NLB's name");
        Output("S3GatewayEndpointId", endpoints.S3.VpcEndpointId, "S3 gateway endpoint");
        Output("DynamoDbGatewayEndpointId", endpoints.DynamoDb.VpcEndpointId, "DynamoDB gateway endpoint");
        if (endpoints.S3Interface is { } s3Interface)
        {
            Output("S3InterfaceEndpointId", s3Interface.VpcEndpointId, "S3 interface endpoint (private DNS)");
        }
    }

    private static void Allow(StackInputs inputs, VpcEndpoints endpoints, SecurityGroup balancer, SecurityGroup proxies, SecurityGroup dns)
    {
        // The load balancer's own group: the corporate networks in, the tiers out. Targets name that group, so nothing
        // but the load balancer reaches them (an NLB's group can only be set when it is created).
        foreach (var corporate in inputs.CorporateCidrs)
        {
            var peer = Peer.Ipv4(corporate.ToString());
            balancer.AddIngressRule(peer, Port.Tcp(Ports.Tls), "TLS (SNI) from the corporate network");
            balancer.AddIngressRule(peer, Port.Tcp(Ports.Connect), "CONNECT from the corporate network");
            balancer.AddIngressRule(peer, Port.Udp(Ports.Dns), "DNS from the corporate network");
            balancer.AddIngressRule(peer, Port.Tcp(Ports.Dns), "DNS over TCP from the corporate network");
        }

        foreach (var (group, port, what) in new[]
        {
            (proxies, Port.Tcp(Ports.TlsTarget), "TLS (SNI)"), (proxies, Port.Tcp(Ports.Connect), "CONNECT"), (proxies, Port.Tcp(Ports.ProxyHealth), "health checks"),
            (dns, Port.Udp(Ports.Dns), "DNS"), (dns, Port.Tcp(Ports.Dns), "DNS over TCP"), (dns, Port.Tcp(Ports.DnsHealth), "health checks"),
        })
        {
            balancer.AddEgressRule(group, port, what);
            group.AddIngressRule(balancer, port, $"{what} through the load balancer");
        }

        // TCP_UDP target groups preserve the client's address: the corporate DNS servers are the DNS tier's peers.
        foreach (var corporate in inputs.CorporateCidrs)
        {
            dns.AddIngressRule(Peer.Ipv4(corporate.ToString()), Port.Udp(Ports.Dns), "DNS from the corporate network");
            dns.AddIngressRule(Peer.Ipv4(corporate.ToString()), Port.Tcp(Ports.Dns), "DNS over TCP from the corporate network");
        }

        var resolver = Peer.Ipv4($"{BootstrapScript.VpcResolver(inputs)}/32");
        foreach (var group in new[] { proxies, dns })
        {
            group.AddEgressRule(resolver, Port.Udp(Ports.Dns), "the VPC resolver");
            group.AddEgressRule(resolver, Port.Tcp(Ports.Dns), "the VPC resolver over TCP");
            group.AddEgressRule(Peer.PrefixList(inputs.S3PrefixList), Port.Tcp(443), "S3 through the gateway endpoint (the release, OS packages)");

            // With the S3 interface endpoint, S3 names resolve to it: the artifact fetch and dnf go there too.
            foreach (var endpoint in endpoints.InterfaceGroups)
            {
                group.AddEgressRule(endpoint, Port.Tcp(443), "interface endpoints (S3, SSM, CloudWatch Logs)");
            }
        }

        proxies.AddEgressRule(Peer.PrefixList(inputs.DynamoDbPrefixList), Port.Tcp(443), "DynamoDB through the gateway endpoint");
        if (inputs.ZonesRepository is not null)
        {
            foreach (var corporate in inputs.CorporateCidrs)
            {
                dns.AddEgressRule(Peer.Ipv4(corporate.ToString()), Port.Tcp(443), "the zones repository (git over HTTPS)");
            }
        }
    }

    private NetworkLoadBalancer LoadBalancer(StackInputs inputs, IVpc vpc, ISubnet[] subnets, SecurityGroup group, AutoScalingGroup proxies, AutoScalingGroup dns)
    {
        var balancer = new NetworkLoadBalancer(this, "LoadBalancer", new NetworkLoadBalancerProps
        {
            Vpc = vpc,
            InternetFacing = false,
            VpcSubnets = new SubnetSelection { Subnets = subnets },
            CrossZoneEnabled = true,
            SecurityGroups = [group],
            DeletionProtection = true,
        });

        // Fixed addresses, so zone files and corporate forwarders can hold them: subnet mappings replace the subnets.
        var resource = (CfnLoadBalancer)balancer.Node.DefaultChild!;
        resource.AddPropertyDeletionOverride("Subnets");
        resource.SubnetMappings = inputs.Subnets.Select(s => (object)new CfnLoadBalancer.SubnetMappingProperty
        {
            SubnetId = s.Id,
            PrivateIPv4Address = s.LoadBalancerAddress.ToString(),
        }).ToArray();

        var tls = ProxyTargets("TlsTargets", vpc, Ports.TlsTarget, proxies);
        var connect = ProxyTargets("ConnectTargets", vpc, Ports.Connect, proxies);
        var dnsTargets = new NetworkTargetGroup(this, "DnsTargets", new NetworkTargetGroupProps
        {
            Vpc = vpc,
            Port = Ports.Dns,
            Protocol = Elb.Protocol.TCP_UDP,
            TargetType = TargetType.INSTANCE,
            DeregistrationDelay = Duration.Seconds(30),
            HealthCheck = HealthCheck(Ports.DnsHealth),
            Targets = [dns],
        });

        balancer.AddListener("Tls", new BaseNetworkListenerProps { Port = Ports.Tls, Protocol = Elb.Protocol.TCP, DefaultTargetGroups = [tls] });
        balancer.AddListener("Connect", new BaseNetworkListenerProps { Port = Ports.Connect, Protocol = Elb.Protocol.TCP, DefaultTargetGroups = [connect] });
        balancer.AddListener("Dns", new BaseNetworkListenerProps { Port = Ports.Dns, Protocol = Elb.Protocol.TCP_UDP, DefaultTargetGroups = [dnsTargets] });
        return balancer;
    }

    /// <summary>
    /// PROXY v2 on, so the proxies see the client's address (and AWS sends the header on health checks too, which
    /// the proxies' health listener accepts); client IP preservation off, as the header carries it; deregistration
    /// waits the proxy's DrainTimeout, so scale-in and instance refresh let open tunnels finish.
    /// </summary>
    private NetworkTargetGroup ProxyTargets(string id, IVpc vpc, int port, AutoScalingGroup proxies)
    {
        var targets = new NetworkTargetGroup(this, id, new NetworkTargetGroupProps
        {
            Vpc = vpc,
            Port = port,
            Protocol = Elb.Protocol.TCP,
            TargetType = TargetType.INSTANCE,
            ProxyProtocolV2 = true,
            PreserveClientIp = false,
            DeregistrationDelay = Duration.Seconds(Ports.DrainSeconds),
            HealthCheck = HealthCheck(Ports.ProxyHealth),
            Targets = [proxies],
        });

        // At the end of the delay the load balancer closes what is still open, so a draining instance is gone within
        // DrainSeconds in all: the proxy's own drain (the same length) then finds nothing left to wait for.
        targets.SetAttribute("deregistration_delay.connection_termination.enabled", "true");

        // A proxy that drains answers /readyz 503 and fails its checks while still registered (a restart or upgrade in
        // place). By default the NLB then resets every connection to it; "unhealthy.draining" instead keeps them for the
        // same DrainSeconds, so a drain is whole however it starts. A frozen proxy's tunnels wait as long (tests/e2e 10).
        targets.SetAttribute("target_health_state.unhealthy.connection_termination.enabled", "false");
        targets.SetAttribute("target_health_state.unhealthy.draining_interval_seconds", Ports.DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return targets;
    }

    /// <summary>HTTP /readyz on the service's health port: 503 while starting or draining takes it out of service.</summary>
    private static Elb.HealthCheck HealthCheck(int port) => new()
    {
        Protocol = Elb.Protocol.HTTP,
        Port = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Path = "/readyz",
        HealthyThresholdCount = 2,
        UnhealthyThresholdCount = 2,
        Interval = Duration.Seconds(10),
    };

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
