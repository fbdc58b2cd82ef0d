namespace Endpoints.Proxy.Tunneling;

internal static class ClientHelloErrors
{
    public static string Describe(this ClientHelloError error) => error switch
    {
        ClientHelloError.NotTls => "not TLS",
        ClientHelloError.UnexpectedRecord => "unexpected record inside the ClientHello",
        ClientHelloError.BadRecordLength => "bad TLS record length",
        ClientHelloError.NotClientHello => "first handshake message is not a ClientHello",
        ClientHelloError.TooLarge => "ClientHello too large",
        ClientHelloError.DataAfterHello => "handshake data after the ClientHello in its record",
        ClientHelloError.Malformed => "malformed ClientHello",
        ClientHelloError.NoExtensions => "ClientHello has no extensions (no SNI)",
        ClientHelloError.NoServerName => "ClientHello has no SNI",
        ClientHelloError.MalformedServerName => "malformed server_name extension",
        ClientHelloError.NonAsciiServerName => "SNI is not an ASCII host name",
        ClientHelloError.NoHostName => "ClientHello has no host_name in server_name",
        _ => "-",
    };
}
