using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>A zone cut below the apex: its NS RRset and the address records to send as glue.</summary>
internal sealed record Delegation(DnsName Owner, RecordSet NameServers, (DnsName Owner, RecordSet Addresses)[] Glue);
