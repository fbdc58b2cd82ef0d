using System.Net;

namespace Endpoints.Aws;

/// <summary>One private subnet: the proxies, the DNS servers and one load balancer node (at a fixed address) live in it.</summary>
internal sealed record SubnetInput(string Id, string AvailabilityZone, IPNetwork Cidr, string RouteTableId, IPAddress LoadBalancerAddress);
