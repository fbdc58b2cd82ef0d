namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Where a client asked to go: the name (or IP literal) and port the policy judges, and the port we dial.
/// <see cref="Head"/>, when set, goes upstream in place of the request head the client sent (Host mode).
/// <see cref="Authorization"/>: the request's <c>Proxy-Authorization</c> value, if any. <see cref="HelloLength"/>: TLS
/// mode, the bytes of the ClientHello's records at the start of the handshake buffer.
/// </summary>
internal sealed record Destination(string Host, int PolicyPort, int DialPort, byte[]? Head = null, string? Authorization = null, int HelloLength = 0);
