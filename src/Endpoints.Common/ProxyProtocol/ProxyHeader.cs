using System.Net;

namespace Endpoints.Common.ProxyProtocol;

/// <summary>
/// A parsed PROXY protocol header. <see cref="IsLocal"/> (v2 LOCAL, e.g. NLB health checks) means the
/// connection's own peer address stands. <see cref="VpcEndpointId"/> is AWS's TLV 0xEA subtype 0x01.
/// </summary>
public sealed record ProxyHeader(int Version, bool IsLocal, IPEndPoint? Source, IPEndPoint? Destination, string? VpcEndpointId, IReadOnlyList<(byte Type, byte[] Value)> Tlvs);
