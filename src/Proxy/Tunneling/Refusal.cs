using System.Net.Sockets;
using System.Text;

namespace Endpoints.Proxy.Tunneling;

/// <summary>How a refusal looks on the wire in each mode: an HTTP status, a TLS alert, or a plain close.</summary>
public static class Refusal
{
    public const byte AlertAccessDenied = 49;
    public const byte AlertInternalError = 80;
    public const byte AlertUnrecognizedName = 112;

    public static async Task SendAsync(Socket client, ListenerMode mode, int status, byte alert, string reason, CancellationToken cancellationToken)
    {
        try
        {
            if (mode == ListenerMode.Tls)
            {
                if (alert != 0)
                {
                    await client.SendAsync(new byte[] { 0x15, 0x03, 0x01, 0x00, 0x02, 0x02, alert }, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (status != 0)
            {
                var body = reason + "\n";
                var response = $"HTTP/1.1 {status} {Phrase(status)}\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                await client.SendAsync(Encoding.UTF8.GetBytes(response), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client left first; nothing more to tell it.
        }
    }

    public static string Phrase(int status) => status switch
    {
        200 => "Connection established",
        400 => "Bad Request",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
