using System.Text;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Host mode judges one request by its Host header, so the request must have exactly one target and be the only
/// one the origin serves: ambiguous heads get 400 (RFC 9112 3.2, 6.1), and the head goes upstream with
/// <c>Connection: close</c>, after which an origin must not process further requests on the connection (RFC 9112 9.6).
/// </summary>
internal static class HostModeRequest
{
    /// <summary>Never passed on: the connection's own headers, and the credentials meant for this proxy.</summary>
    private static readonly string[] HopByHop = ["Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization"];

    /// <summary>Why the head is refused, or null.</summary>
    public static string? Check(HttpHead head)
    {
        var hosts = head.Values("Host");
        if (hosts.Count != 1 || hosts[0].Length == 0)
        {
            return hosts.Count > 1 ? "several Host headers" : "no valid Host header";
        }

        var lengths = head.Values("Content-Length");
        if (lengths.Count > 0 && head.Count("Transfer-Encoding") > 0)
        {
            return "both Content-Length and Transfer-Encoding";
        }

        if (lengths.Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            return "differing Content-Length headers";
        }

        // An absolute-form target names the authority itself; it must be the one the Host header names.
        if (Uri.TryCreate(head.Target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
            !string.Equals(uri.Authority, hosts[0], StringComparison.OrdinalIgnoreCase) &&
            !string.Equals($"{uri.Host}:{uri.Port}", hosts[0], StringComparison.OrdinalIgnoreCase))
        {
            return $"request target {head.Target} is not for Host {hosts[0]}";
        }

        return null;
    }

    /// <summary>The same head without hop-by-hop headers and proxy credentials, and with <c>Connection: close</c>.</summary>
    public static byte[] CloseAfterResponse(HttpHead head)
    {
        var text = new StringBuilder($"{head.Method} {head.Target} {head.Version}\r\n");
        foreach (var (name, value) in head.Headers.Where(h => !HopByHop.Contains(h.Name, StringComparer.OrdinalIgnoreCase)))
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("Connection: close\r\n\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
