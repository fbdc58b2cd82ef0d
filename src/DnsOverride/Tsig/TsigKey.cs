using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>A shared secret, named as BIND names it (<c>key "name" { algorithm ...; secret "..."; };</c>).</summary>
internal sealed record TsigKey(DnsName Name, TsigAlgorithm Algorithm, byte[] Secret);
