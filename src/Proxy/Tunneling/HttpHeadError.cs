namespace Endpoints.Proxy.Tunneling;

/// <summary>Why a request head was refused; <see cref="HttpHeadErrors.Describe"/> words it for logs and the 400 body.</summary>
internal enum HttpHeadError
{
    None,
    TooLarge,
    NotHttp,
    ControlCharacters,
    BareLineEnd,
    MalformedRequestLine,
    MalformedHeaderField,
}
