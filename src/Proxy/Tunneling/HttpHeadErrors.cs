namespace Endpoints.Proxy.Tunneling;

internal static class HttpHeadErrors
{
    public static string Describe(this HttpHeadError error) => error switch
    {
        HttpHeadError.TooLarge => "request head too large",
        HttpHeadError.NotHttp => "not HTTP",
        HttpHeadError.ControlCharacters => "control characters in request head",
        HttpHeadError.BareLineEnd => "a bare CR or LF in the request head (RFC 9112 2.2)",
        HttpHeadError.MalformedRequestLine => "malformed request line",
        HttpHeadError.MalformedHeaderField => "malformed header field",
        _ => "-",
    };
}
