using System.Net.Sockets;
using System.Text;
using Endpoints.Proxy.Authentication;

namespace Endpoints.Proxy.Tunneling;

/// <summary>The one table from a connection's outcome to its log words, its answer on the wire and its metric.</summary>
internal static class Refusal
{
    public const byte AlertAccessDenied = 49;
    public const byte AlertInternalError = 80;
    public const byte AlertUnrecognizedName = 112;

    public static OutcomeWords Of(ConnectionOutcome outcome) => outcome switch
    {
        ConnectionOutcome.Relayed => new("allow", "closed", 0, 0, null),
        ConnectionOutcome.HandshakeTimeout => new("timeout", "handshake timeout", 408, 0, null),
        ConnectionOutcome.ClientClosed => new("error", "client closed", 0, 0, null),
        ConnectionOutcome.ClientReset => new("error", "client reset", 0, 0, null),
        ConnectionOutcome.BadProxyHeader => new("error", "bad PROXY header", 0, 0, "proxy-header"),
        ConnectionOutcome.UntrustedProxyHeader => new("error", "untrusted PROXY header", 0, 0, "untrusted-proxy-header"),
        ConnectionOutcome.MethodNotAllowed => new("error", "refused", 405, 0, null),
        ConnectionOutcome.BadRequest => new("error", "refused", 400, 0, null),
        ConnectionOutcome.HeadTooLarge => new("error", "refused", 431, 0, null),
        ConnectionOutcome.NoServerName => new("deny", "refused", 0, AlertUnrecognizedName, "no-server-name"),
        ConnectionOutcome.NotTls => new("error", "refused", 0, 0, null),
        ConnectionOutcome.BadClientHello => new("error", "refused", 0, AlertInternalError, null),
        ConnectionOutcome.PolicyDenied => new("deny", "refused", 403, AlertAccessDenied, "policy"),
        ConnectionOutcome.GuardDenied => new("deny", "refused", 403, AlertAccessDenied, "guard"),
        ConnectionOutcome.ResolveFailed => new("allow", "resolution failed", 502, AlertInternalError, "resolve"),
        ConnectionOutcome.ConnectFailed => new("allow", "connect failed", 502, AlertInternalError, "connect"),
        ConnectionOutcome.ConnectTimeout => new("allow", "connect timeout", 504, AlertInternalError, "connect-timeout"),
        ConnectionOutcome.ResetBeforeRelay => new("allow", "reset before relay", 0, 0, null),
        ConnectionOutcome.SniMismatch => new("deny", "sni-mismatch", 0, AlertAccessDenied, "sni-mismatch"),
        ConnectionOutcome.SniInvalid => new("deny", "sni-invalid", 0, AlertAccessDenied, "sni-invalid"),
        ConnectionOutcome.TunnelNotTls => new("deny", "not-tls", 0, 0, "tunnel-not-tls"),
        ConnectionOutcome.Overloaded => new("error", "overloaded", 503, 0, "overload"),
        ConnectionOutcome.SourceLimited => new("error", "source limit", 503, 0, "source-limit"),
        ConnectionOutcome.AuthenticationRequired => new("deny", "refused", 407, AlertAccessDenied, null),
        ConnectionOutcome.AuthenticationFailed => new("deny", "refused", 407, AlertAccessDenied, null),
        ConnectionOutcome.AuthenticationRateLimited => new("deny", "refused", 429, AlertAccessDenied, null),
        _ => new("error", "unexpected error", 0, 0, "unexpected"),
    };

    /// <summary>Refusals of a tunnel's own bytes (<see cref="TunnelCheck"/>): the client already has its 200, so it gets a TLS alert or a close.</summary>
    public static bool IsInsideTunnel(ConnectionOutcome outcome) =>
        outcome is ConnectionOutcome.SniMismatch or ConnectionOutcome.SniInvalid or ConnectionOutcome.TunnelNotTls;

    /// <summary>How a check of <c>Proxy-Authorization</c> ends the connection, or null when the policy decides next.</summary>
    public static ConnectionOutcome? Of(AuthOutcome outcome) => outcome switch
    {
        AuthOutcome.Malformed => ConnectionOutcome.BadRequest,
        AuthOutcome.UnknownScheme or AuthOutcome.TooLarge or AuthOutcome.Failed or AuthOutcome.Plaintext => ConnectionOutcome.AuthenticationFailed,
        AuthOutcome.RateLimited => ConnectionOutcome.AuthenticationRateLimited,
        _ => null,
    };

    /// <summary>
    /// Tells the client, as its mode allows (a CONNECT tunnel that carries TLS gets an alert), then closes our sending
    /// side. <paramref name="headers"/>: more header lines for the HTTP answer (a 407's challenges), each ending in CRLF.
    /// </summary>
    public static async Task SendAsync(ClientConnection connection, ListenerMode mode, ConnectionOutcome outcome, string reason, string? headers = null)
    {
        var words = Of(outcome);
        byte[]? answer = null;
        if (mode == ListenerMode.Tls || IsInsideTunnel(outcome))
        {
            if (words.Alert != 0)
            {
                answer = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, words.Alert];
            }
        }
        else if (words.Status != 0)
        {
            var body = reason + "\n";
            answer = Encoding.UTF8.GetBytes($"HTTP/1.1 {words.Status} {Phrase(words.Status)}\r\n{headers}Content-Type: text/plain\r\n" +
                $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");
        }

        // A client that left first gets nothing more: a failed send is not an error here.
        if (answer is null || (await connection.Down.SendAllAsync(connection.Client, answer).ConfigureAwait(false)).Ok)
        {
            try
            {
                connection.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Gone meanwhile.
            }
        }
    }

    private static string Phrase(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
