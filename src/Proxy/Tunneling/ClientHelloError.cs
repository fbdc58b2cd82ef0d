namespace Endpoints.Proxy.Tunneling;

/// <summary>Why a ClientHello gave no destination; <see cref="ClientHelloErrors.Describe"/> words it for logs.</summary>
internal enum ClientHelloError
{
    None,
    NotTls,
    UnexpectedRecord,
    BadRecordLength,
    NotClientHello,
    TooLarge,
    DataAfterHello,
    Malformed,
    NoExtensions,
    NoServerName,
    MalformedServerName,
    NonAsciiServerName,
    NoHostName,
}
