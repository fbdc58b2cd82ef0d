using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Endpoints.Common.Networking;
using Endpoints.Common.ProxyProtocol;
using Endpoints.Common.Text;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Telemetry;
using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.TlsToProxy;

/// <summary>
/// The TLS-to-proxy listener's connections: TLS is ended here, and what the client sends inside (a CONNECT, then the
/// tunnel) reaches <see cref="ConnectionHandler"/> through a socket pair, so every check, limit, deadline and log line
/// of the plain CONNECT listener applies unchanged. A load balancer's PROXY header comes before TLS: it is read raw and
/// passed first, for the handler to judge as on any listener. The cost is one more copy per byte (not yet measured),
/// on the listener that carries passwords.
/// </summary>
internal sealed class TlsToProxyBridge(
    ConnectionHandler handler, ProxyCertificateStore certificates, ConnectionTracker tracker, IOptions<ProxyOptions> options, ProxyMetrics metrics,
    ILogger<TlsToProxyBridge> logger, TimeProvider time)
{
    private const int BufferSize = 16 * 1024;

    /// <summary>A PROXY v1 line is at most 107 bytes; v2's fixed part is 16.</summary>
    private const int MaxV1Header = 107;

    private readonly ProxyOptions _options = options.Value;

    /// <summary>Serves one accepted connection; like <see cref="ConnectionHandler.HandleAsync"/>, gives back the tracker slot the listener took.</summary>
    public async Task HandleAsync(Socket client, CancellationToken abort)
    {
        var started = time.GetTimestamp();
        var peer = (IPEndPoint)client.RemoteEndPoint!;
        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        byte[] header;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(abort);
            handshake.CancelAfter(_options.HandshakeTimeout);
            header = _options.LoadBalancerNetworks.ContainsAny(peer.Address.IsIPv4MappedToIPv6 ? peer.Address.MapToIPv4() : peer.Address)
                ? await ReadProxyHeaderAsync(client, handshake.Token).ConfigureAwait(false)
                : [];
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificateContext = certificates.Current.Context, ClientCertificateRequired = false }, handshake.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            // One line and one count, as any refused connection gets; the inner handler never saw it.
            await ssl.DisposeAsync().ConfigureAwait(false);
            tracker.Exit();
            var reason = ex is OperationCanceledException ? "no TLS handshake within the handshake timeout" : $"TLS handshake failed: {ex.Message}";
            metrics.Error("tls-handshake");
            metrics.Connection(ListenerMode.ConnectTls.Name(), "deny", "-");
            if (logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // guarded by IsEnabled just above, which the analyzer does not see through
                Log.Connection(logger, peer.ToString(), ListenerMode.ConnectTls.Name(), "-", "deny", "-", LogText.Escape(reason), 0, 0,
                    time.GetElapsedTime(started).TotalMilliseconds, "tls-handshake", string.Empty, string.Empty);
#pragma warning restore CA1873
            }
            return;
        }

        var (inner, outer) = SocketPair.Create();
        try
        {
            var serving = handler.HandleAsync(inner, ListenerMode.ConnectTls, abort, peer);
            var up = PumpUpAsync(ssl, outer, header);
            await PumpDownAsync(outer, ssl).ConfigureAwait(false);
            await serving.ConfigureAwait(false);
            await ssl.DisposeAsync().ConfigureAwait(false);
            await up.ConfigureAwait(false);
        }
        finally
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            outer.Dispose();
        }
    }

    /// <summary>The PROXY header's bytes and no more (TLS follows it): v1 up to its CRLF, v2 by its length field.</summary>
    private static async Task<byte[]> ReadProxyHeaderAsync(Socket client, CancellationToken cancellationToken)
    {
        var header = new byte[16 + ushort.MaxValue];
        var count = 0;
        async Task ReadAsync(int until)
        {
            while (count < until)
            {
                var n = await client.ReceiveAsync(header.AsMemory(count, until - count), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                count += n > 0 ? n : throw new IOException("closed before the PROXY header ended");
            }
        }

        await ReadAsync(6).ConfigureAwait(false);
        if (header.AsSpan(0, 6).SequenceEqual("PROXY "u8))
        {
            while (count < MaxV1Header && !(count >= 2 && header[count - 2] == '\r' && header[count - 1] == '\n'))
            {
                await ReadAsync(count + 1).ConfigureAwait(false);
            }
        }
        else if (ProxyHeaderParser.LooksLikeHeader(header.AsSpan(0, count)))
        {
            await ReadAsync(16).ConfigureAwait(false);
            await ReadAsync(16 + ((header[14] << 8) | header[15])).ConfigureAwait(false);
        }

        // What is not a header is passed as it is: the handler refuses it with its reason.
        return header[..count];
    }

    /// <summary>Client to handler: the PROXY header first, then the decrypted bytes; the client's end of stream becomes ours.</summary>
    private static async Task PumpUpAsync(SslStream from, Socket to, byte[] header)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            if (header.Length > 0)
            {
                await to.SendAsync(header, SocketFlags.None).ConfigureAwait(false);
            }

            while (true)
            {
                var n = await from.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            // The client reset or the bridge is closing: the handler sees its end of the pair close.
            Close(to);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Handler to client, encrypted; the handler's end of stream becomes a TLS close_notify.</summary>
    private static async Task PumpDownAsync(Socket from, SslStream to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    await to.ShutdownAsync().ConfigureAwait(false);
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client left: the handler's tunnel ends when its end of the pair closes.
            Close(from);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
