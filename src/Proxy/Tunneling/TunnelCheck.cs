using System.Net;
using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Judges what a tunnel carries before any of the client's bytes go upstream. In a CONNECT tunnel, a stream that
/// starts as TLS (a handshake record) must be a ClientHello naming the CONNECT host, or a name the policy allows this
/// client on its own; bucket endpoints share addresses, so the name inside decides what is reached. Anything that
/// starts as TLS and does not parse so is refused: a parser's doubt never lets bytes through. A stream whose first
/// byte is not a handshake record is not TLS, and passes only when <c>AllowNonTlsTunnels</c> is set. In both CONNECT
/// and TLS mode, when the server answers a ClientHello with a HelloRetryRequest the client's second ClientHello is
/// judged the same way before it goes upstream (<see cref="ServerHelloWatch"/>).
/// Runs inside the tunnel, so a server that speaks first is relayed meanwhile. The client's bytes after a ClientHello
/// wait for the server's answer to it. The waits for the client's bytes and for the server's answer have no deadline of
/// their own (the idle timeout governs them); a ClientHello, once begun, must end within HandshakeTimeout or the
/// tunnel is closed. <c>judgedName</c>, in TLS mode: the SNI the connection was
/// already judged and dialled by, so only a HelloRetryRequest's second ClientHello is left to judge.
/// </summary>
internal sealed class TunnelCheck(
    ClientConnection connection, byte[] early, Destination destination, IPAddress clientAddress, ConnectionSummary summary, PolicyStore policy,
    TimeSpan handshakeTimeout, string? judgedName, bool allowNonTls)
{
    private const byte HandshakeRecord = 22;

    /// <summary>In TLS mode the ClientHello is upstream before the tunnel starts, so its answer is watched from the start.</summary>
    private ServerHelloWatch? _serverHello = judgedName is null ? null : new();

    /// <summary>
    /// Fed by the server-to-client direction of the same tunnel; set (only for TLS) before the ClientHello goes
    /// upstream, so it sees the server's answer from its first byte.
    /// </summary>
    public ServerHelloWatch? ServerHello => Volatile.Read(ref _serverHello);

    /// <summary>Runs before anything of the client's goes upstream: the bytes it passed on, or null to refuse.</summary>
    public async Task<long?> RunAsync()
    {
        long sent = 0;
        if (judgedName is null && early.Length == 0)
        {
            // Wait without a buffer: an idle tunnel may sit here until its idle timeout.
            var ready = await connection.Up.ReceiveAsync(connection.Client, Memory<byte>.Empty).ConfigureAwait(false);
            if (!ready.Ok)
            {
                // Reset (a second receive would only see the end of stream): passed on, so the pump ends as a reset.
                connection.Reset(connection.Client);
                return 0;
            }
        }

        using var buffer = new HandshakeBuffer(ConnectionHandler.HandshakeLimit);
        buffer.Append(early);
        if (judgedName is null)
        {
            connection.SetDeadline(Expiry.TunnelCheck, handshakeTimeout);
            var hello = await ReadHelloAsync(buffer, afterRetry: false).ConfigureAwait(false);
            switch (hello.Status)
            {
                case HelloStatus.Ended:
                    return Ended(hello);
                case HelloStatus.NotTls when allowNonTls:
                    connection.StartIdleClock();
                    return await SendAsync(buffer.Memory).ConfigureAwait(false);
                case HelloStatus.NotTls:
                    return Refuse(ConnectionOutcome.TunnelNotTls, $"the tunnel to {destination.Host} does not start with TLS (AllowNonTlsTunnels is off)");
                case HelloStatus.Invalid:
                    return Refuse(ConnectionOutcome.SniInvalid, $"ClientHello in a tunnel to {destination.Host}: {hello.Error.Describe()}");
            }

            if (hello.Name is null)
            {
                // RFC 6066 3: a client that dials an IP literal sends no SNI, and the policy judged that address.
                if (!IPAddress.TryParse(destination.Host, out _))
                {
                    return Refuse(ConnectionOutcome.SniInvalid, $"ClientHello in a tunnel to {destination.Host}: {hello.Error.Describe()}");
                }

                connection.StartIdleClock();
                return await SendAsync(buffer.Memory).ConfigureAwait(false);
            }

            if (!NameAllowed(hello.Name, "SNI"))
            {
                return null;
            }

            Volatile.Write(ref _serverHello, new ServerHelloWatch());
            var first = await SendAsync(buffer.Memory[..hello.Consumed]).ConfigureAwait(false);
            if (first == 0)
            {
                return 0;
            }

            buffer.Consume(hello.Consumed);
            sent = first;
        }

        connection.StartIdleClock();
        if (buffer.Count == 0)
        {
            // Nothing more until the client speaks again: its next bytes are held until the server's answer is known,
            // but its end of stream is passed on, for a server that waits for it.
            var ready = await connection.Up.ReceiveAsync(connection.Client, Memory<byte>.Empty).ConfigureAwait(false);
            var more = ready.Ok ? await connection.Up.ReceiveAsync(connection.Client, buffer.FreeSpace()).ConfigureAwait(false) : ready;
            buffer.Commit(more);
            if (!more.Ok || more.Bytes == 0)
            {
                if (!more.Ok)
                {
                    connection.Reset(connection.Client);
                }

                return sent;
            }
        }

        if (await _serverHello!.IsHelloRetryRequest.ConfigureAwait(false))
        {
            connection.SetDeadline(Expiry.TunnelCheck, handshakeTimeout);
            var second = await ReadHelloAsync(buffer, afterRetry: true).ConfigureAwait(false);
            switch (second.Status)
            {
                case HelloStatus.Ended:
                    return Ended(second) is { } ended ? sent + ended : null;
                case HelloStatus.NotTls or HelloStatus.Invalid:
                    return Refuse(ConnectionOutcome.SniInvalid, $"second ClientHello after a HelloRetryRequest: {second.Error.Describe()}");
                case HelloStatus.Done when second.Name is null:
                    return Refuse(ConnectionOutcome.SniInvalid, "second ClientHello after a HelloRetryRequest has no SNI");
                case HelloStatus.Done when !NameAllowed(second.Name, "SNI after a HelloRetryRequest"):
                    return null;
            }

            connection.StartIdleClock();
        }

        return buffer.Count == 0 ? sent : sent + await SendAsync(buffer.Memory).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads until a whole ClientHello is in <paramref name="buffer"/>. After a HelloRetryRequest, a client may first
    /// send a ChangeCipherSpec (middlebox compatibility) or early data the server will skip: records of those types
    /// before the second ClientHello are passed over, and go upstream with it.
    /// </summary>
    private async ValueTask<HelloRead> ReadHelloAsync(HandshakeBuffer buffer, bool afterRetry)
    {
        while (true)
        {
            var data = buffer.Data;
            var start = afterRetry ? SkipOtherRecords(data) : 0;
            if (start >= 0 && data.Length > start)
            {
                if (data[start] != HandshakeRecord)
                {
                    return new HelloRead(HelloStatus.NotTls, null, ClientHelloError.NotTls, 0, false);
                }

                var status = ClientHelloParser.TryGetServerName(data[start..], out var name, out var error, out var consumed);
                if (status != ParseStatus.NeedMore)
                {
                    return new HelloRead(status == ParseStatus.Done ? HelloStatus.Done : HelloStatus.Invalid, name, error, start + consumed, false);
                }
            }

            if (buffer.IsFull)
            {
                return new HelloRead(HelloStatus.Invalid, null, ClientHelloError.TooLarge, 0, false);
            }

            var result = await connection.Up.ReceiveAsync(connection.Client, buffer.FreeSpace()).ConfigureAwait(false);
            buffer.Commit(result);
            if (!result.Ok || result.Bytes == 0)
            {
                return new HelloRead(HelloStatus.Ended, null, ClientHelloError.None, 0, !result.Ok);
            }
        }
    }

    /// <summary>Where the first record that is not a ChangeCipherSpec or application data starts; -1 while one is incomplete.</summary>
    private static int SkipOtherRecords(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        while (data.Length > offset && data[offset] is 20 or 23)
        {
            if (data.Length - offset < 5 || data.Length - offset - 5 < ((data[offset + 3] << 8) | data[offset + 4]))
            {
                return -1;
            }

            offset += 5 + ((data[offset + 3] << 8) | data[offset + 4]);
        }

        return offset;
    }

    /// <summary>Closed, reset or out of time with a ClientHello begun: nothing of it goes upstream.</summary>
    private long? Ended(HelloRead read)
    {
        if (connection.Expired == Expiry.TunnelCheck)
        {
            summary.Refuse(ConnectionOutcome.SniMismatch, "no complete ClientHello within the handshake timeout");
            return null;
        }

        if (read.Reset)
        {
            connection.Reset(connection.Client);
        }

        return 0;
    }

    private long? Refuse(ConnectionOutcome outcome, string reason)
    {
        summary.Refuse(outcome, reason);
        return null;
    }

    /// <summary>The bytes sent, or 0 when the upstream reset: passed on, so the pump ends as a reset rather than waiting on the client.</summary>
    private async ValueTask<long> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        if ((await connection.Up.SendAllAsync(connection.Upstream!, bytes).ConfigureAwait(false)).Ok)
        {
            return bytes.Length;
        }

        connection.Reset(connection.Upstream);
        return 0;
    }

    private bool NameAllowed(string serverName, string what)
    {
        if (HostName.TryNormalize(serverName, out var inside) && HostName.TryNormalize(destination.Host, out var connected) && inside == connected)
        {
            return true;
        }

        var decision = policy.Current.Evaluate(clientAddress, serverName, destination.PolicyPort, summary.User);
        if (decision.Allowed)
        {
            return true;
        }

        summary.Rule = decision.Rule;
        summary.Refuse(ConnectionOutcome.SniMismatch, $"{what} '{serverName}' in a tunnel to {destination.Host}: {decision.Reason}");
        return false;
    }

    private enum HelloStatus
    {
        Done,
        Invalid,
        NotTls,
        Ended,
    }

    private readonly record struct HelloRead(HelloStatus Status, string? Name, ClientHelloError Error, int Consumed, bool Reset);
}
