using System.Text;
using Endpoints.Common.ProxyProtocol;

namespace Endpoints.Proxy.Tunneling;

/// <summary>Reads an HTTP/1.x request head (RFC 9112): request line and header fields up to the empty line.</summary>
internal static class HttpHeadParser
{
    /// <summary>A Kerberos token of up to 64 KiB (<c>ProxyAuthenticator.MaxCredentialsLength</c>) and the rest of a head.</summary>
    public const int MaxHeadLength = 68 * 1024;

    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out HttpHead? head, out HttpHeadError error)
    {
        head = null;
        error = HttpHeadError.None;
        var end = data.IndexOf("\r\n\r\n"u8);
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

        var lines = Encoding.ASCII.GetString(text).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            error = HttpHeadError.MalformedRequestLine;
            return ParseStatus.Invalid;
        }

        var headers = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[0] is ' ' or '\t' || line[..colon].Contains(' ', StringComparison.Ordinal))
            {
                error = HttpHeadError.MalformedHeaderField;
                return ParseStatus.Invalid;
            }

            headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        head = new HttpHead(requestLine[0], requestLine[1], requestLine[2], headers, end + 4);
        return ParseStatus.Done;
    }

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
