using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// A record as read from a zone file. <see cref="Target"/> is the name the RDATA points at (CNAME, NS, MX, SRV),
/// kept for integrity checks and for following CNAMEs.
/// </summary>
internal sealed record ResourceRecord(DnsName Owner, ushort Type, uint Ttl, byte[] Rdata, DnsName? Target, string File, int Line);
