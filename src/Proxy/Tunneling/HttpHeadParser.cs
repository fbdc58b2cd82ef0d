using System.Buffers;
using System.Text;
using Endpoints.Common.ProxyProtocol;

namespace Endpoints.Proxy.Tunneling;

/// <summary>Reads an HTTP/1.x request head (RFC 9112): request line and header fields up to the empty line.</summary>
internal static class HttpHeadParser
{
    /// <summary>A Kerberos token of up to 64 KiB (<c>ProxyAuthenticator.MaxCredentialsLength</c>) and the rest of a head.</summary>
    public const int MaxHeadLength = 68 * 1024;

    /// <summary>RFC 9110 5.6.2's tchar: what a field name is made of. No whitespace, so none before the colon (RFC 9112 5.1).</summary>
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out HttpHead? head, out HttpHeadError error)
    {
        head = null;
        error = HttpHeadError.None;
        var end = data.IndexOf("\r\n\r\n"u8);

        // RFC 9112 2.2: a bare CR or LF is where a lenient origin and we could see different fields (a second Host, a
        // Transfer-Encoding hidden in a value), so either is refused, as soon as it is seen.
        if (HasBareLineEnd(end < 0 ? data : data[..end], complete: end >= 0))
        {
            error = HttpHeadError.BareLineEnd;
            return ParseStatus.Invalid;
        }

        if (end < 0)
        {
            if (data.Length > MaxHeadLength)
            {
                error = HttpHeadError.TooLarge;
                return ParseStatus.Invalid;
            }

            // Only a request line's worth of non-HTTP bytes is enough to give up early.
            if (data.Length >= 16 && data[..Math.Min(data.Length, 16)].IndexOfAnyInRange((byte)0, (byte)8) >= 0)
            {
                error = HttpHeadError.NotHttp;
                return ParseStatus.Invalid;
            }

            return ParseStatus.NeedMore;
        }

        if (end + 4 > MaxHeadLength)
        {
            error = HttpHeadError.TooLarge;
            return ParseStatus.Invalid;
        }

        var text = data[..end];
        if (text.IndexOfAnyInRange((byte)0x00, (byte)0x08) >= 0 || text.IndexOfAnyInRange((byte)0x0B, (byte)0x0C) >= 0 ||
            text.IndexOfAnyInRange((byte)0x0E, (byte)0x1F) >= 0 || text.Contains((byte)0x7F))
        {
            error = HttpHeadError.ControlCharacters;
            return ParseStatus.Invalid;
        }

        // Strings are made only for the request line's parts and each field's name and value: a handshake's head is
        // parsed on every connection.
        var lineEnd = text.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? text : text[..lineEnd];
        var firstSpace = requestLine.IndexOf((byte)' ');
        var lastSpace = requestLine.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || requestLine[(firstSpace + 1)..lastSpace].Contains((byte)' ') ||
            !requestLine[(lastSpace + 1)..].StartsWith("HTTP/1."u8))
        {
            error = HttpHeadError.MalformedRequestLine;
            return ParseStatus.Invalid;
        }

        var fields = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : text[(lineEnd + 2)..];
        var headers = new (string Name, string Value)[lineEnd < 0 ? 0 : fields.Count("\r\n"u8) + 1];
        for (var i = 0; i < headers.Length; i++)
        {
            var next = fields.IndexOf("\r\n"u8);
            var line = next < 0 ? fields : fields[..next];
            fields = next < 0 ? [] : fields[(next + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].ContainsAnyExcept(TokenBytes))
            {
                error = HttpHeadError.MalformedHeaderField;
                return ParseStatus.Invalid;
            }

            headers[i] = (FieldName(line[..colon]), Ascii(line[(colon + 1)..].Trim(" \t"u8)));
        }

        head = new HttpHead(Method(requestLine[..firstSpace]), Ascii(requestLine[(firstSpace + 1)..lastSpace]), Version(requestLine[(lastSpace + 1)..]), headers, end + 4);
        return ParseStatus.Done;
    }

    /// <summary>A CR not followed by LF, or an LF not after a CR; a CR at the very end of an unfinished head may be followed by its LF later.</summary>
    private static bool HasBareLineEnd(ReadOnlySpan<byte> text, bool complete)
    {
        var pairs = text.Count("\r\n"u8);
        var returns = text.Count((byte)'\r') - (!complete && text.Length > 0 && text[^1] == '\r' ? 1 : 0);
        return returns != pairs || text.Count((byte)'\n') != pairs;
    }

    private static string Method(ReadOnlySpan<byte> method) => method.SequenceEqual("CONNECT"u8) ? "CONNECT" : Ascii(method);

    private static string Version(ReadOnlySpan<byte> version) => version.SequenceEqual("HTTP/1.1"u8) ? "HTTP/1.1" : Ascii(version);

    /// <summary>The names CONNECT clients send, spelt as they send them, without a new string each time.</summary>
    private static string FieldName(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("Host"u8) ? "Host"
        : name.SequenceEqual("User-Agent"u8) ? "User-Agent"
        : name.SequenceEqual("Proxy-Connection"u8) ? "Proxy-Connection"
        : name.SequenceEqual("Proxy-Authorization"u8) ? "Proxy-Authorization"
        : Ascii(name);

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    /// <summary>Splits <c>host:port</c>, <c>[v6]:port</c> or a bare host (then <paramref name="defaultPort"/>).</summary>
    public static bool TrySplitAuthority(string authority, int defaultPort, out string host, out int port)
    {
        host = authority;
        port = defaultPort;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = authority[1..close];
            var rest = authority[(close + 1)..];
            return rest.Length == 0 ? defaultPort > 0 : rest[0] == ':' && int.TryParse(rest[1..], out port) && port is > 0 and <= 65535;
        }

        var colon = authority.LastIndexOf(':');
        if (colon < 0)
        {
            return defaultPort > 0 && host.Length > 0;
        }

        host = authority[..colon];
        return host.Length > 0 && !host.Contains(':', StringComparison.Ordinal) &&
            int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) &&
            port is > 0 and <= 65535;
    }
}
