using System.Net;

namespace Endpoints.DnsOverride.Catalogue;

/// <summary>What <c>generate</c> writes zones for in one region: the load balancer's addresses and the name servers'.</summary>
internal sealed record RegionZones(AwsRegion Region, IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPAddress> NameServers);
