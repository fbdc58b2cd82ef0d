using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.Common.Text;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Policy;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// One client connection: the handshake (<see cref="HandshakeReader"/>), the policy, the dial (<see cref="Dialer"/>),
/// then the tunnel. Every outcome is a value: <see cref="Refusal"/> maps it to the wire, and the connection's one
/// log line and metrics carry its words.
/// </summary>
internal sealed class ConnectionHandler
{
    internal const int HandshakeLimit = ClientHelloParser.MaxHelloLength + 8192;
    private static readonly byte[] Established = "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray();

    private readonly ProxyOptions _options;
    private readonly HandshakeReader _handshake;
    private readonly SourceLimiter _sources;
    private readonly PolicyStore _policy;
    private readonly Dialer _dialer;
    private readonly ProxyAuthenticator _auth;
    private readonly ConnectionTracker _tracker;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<ConnectionHandler> _logger;
    private readonly TimeProvider _time;
    private readonly ConnectionDeadlines _deadlines;

    public ConnectionHandler(
        IOptions<ProxyOptions> options, HandshakeReader handshake, SourceLimiter sources, PolicyStore policy, Dialer dialer, ProxyAuthenticator auth,
        ConnectionTracker tracker, ProxyMetrics metrics, ILogger<ConnectionHandler> logger, TimeProvider time, ConnectionDeadlines deadlines)
    {
        _tracker = tracker;
        _auth = auth;
        _deadlines = deadlines;
        _options = options.Value;
        _handshake = handshake;
        _sources = sources;
        _policy = policy;
        _dialer = dialer;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    /// <summary>
    /// Serves one accepted connection to its end, then gives back its <see cref="ConnectionTracker"/> slot, which the
    /// listener took. <paramref name="peer"/>: the client's address when <paramref name="client"/> is not its socket
    /// (the TLS-to-proxy bridge's end of a socket pair).
    /// </summary>
    public async Task HandleAsync(Socket client, ListenerMode mode, CancellationToken abort, IPEndPoint? peer = null)
    {
        var started = _time.GetTimestamp();
        peer ??= (IPEndPoint)client.RemoteEndPoint!;
        var summary = new ConnectionSummary(peer, mode);
        var connection = new ClientConnection(client, _deadlines);
        try
        {
            var check = await OpenAsync(connection, peer, summary, abort).ConfigureAwait(false);
            if (connection.Upstream is not null)
            {
                _metrics.TunnelOpened();
                var opened = _time.GetTimestamp();
                var result = await new Tunnel(connection, _options.BufferSize).RunAsync(check).ConfigureAwait(false);
                _metrics.TunnelClosed(result.BytesUp, result.BytesDown, _time.GetElapsedTime(opened).TotalSeconds);
                summary.BytesUp += result.BytesUp;
                summary.BytesDown = result.BytesDown;
                if (Refusal.IsInsideTunnel(summary.Outcome))
                {
                    await Refusal.SendAsync(connection, mode, summary.Outcome, summary.Reason).ConfigureAwait(false);
                }
                else
                {
                    summary.TunnelEnd = result.End;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ConnectionError(_logger, ex, mode.Name(), summary.Client);
            summary.Refuse(ConnectionOutcome.Unexpected, ex.GetType().Name);
        }
        finally
        {
            connection.Dispose();
            _tracker.Exit();
            if (summary.CountedSource is { } source)
            {
                _sources.Exit(source);
            }

            var words = Refusal.Of(summary.Outcome);
            if (words.ErrorKind is { } kind)
            {
                _metrics.Error(kind);
            }

            _metrics.Connection(mode.Name(), words.Decision, summary.Rule);
            if (_logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // guarded by IsEnabled just above, which the analyzer does not see through
                Log.Connection(_logger, summary.Client, mode.Name(), summary.Destination, words.Decision, summary.Rule, LogText.Escape(summary.Reason),
                    summary.BytesUp, summary.BytesDown, _time.GetElapsedTime(started).TotalMilliseconds, summary.End,
                    summary.User is null ? string.Empty : $" user={LogText.Field(summary.User)}",
                    summary.VpcEndpointId is null ? string.Empty : $" vpce={LogText.Field(summary.VpcEndpointId)}");
#pragma warning restore CA1873
            }
        }
    }

    /// <summary>
    /// Everything before the tunnel; leaves the connected upstream attached to the connection (none after a
    /// refusal) and returns, for CONNECT, the check of the tunnel's first bytes.
    /// </summary>
    private async Task<TunnelCheck?> OpenAsync(ClientConnection connection, IPEndPoint peer, ConnectionSummary summary, CancellationToken abort)
    {
        using var handshake = new HandshakeBuffer(HandshakeLimit);
        connection.SetDeadline(Expiry.Handshake, _options.HandshakeTimeout);
        var (destination, clientAddress) = await _handshake.ReadAsync(connection, peer, handshake, summary).ConfigureAwait(false);
        connection.ClearDeadline();
        if (destination is null)
        {
            await Refusal.SendAsync(connection, summary.Mode, summary.Outcome, summary.Reason).ConfigureAwait(false);
            return null;
        }

        summary.Asked(destination.Host, destination.PolicyPort);
        var secure = summary.Mode == ListenerMode.ConnectTls;
        var auth = await _auth.AuthenticateAsync(destination.Authorization, clientAddress, secure).ConfigureAwait(false);
        if (Refusal.Of(auth.Outcome) is { } authRefusal)
        {
            summary.Refuse(authRefusal, auth.Reason);
            await Refusal.SendAsync(connection, summary.Mode, summary.Outcome, auth.Reason, _auth.Challenges(secure)).ConfigureAwait(false);
            return null;
        }

        summary.User = auth.User;
        var decision = _policy.Current.Evaluate(clientAddress, destination.Host, destination.PolicyPort, summary.User);
        summary.Rule = decision.Rule;
        if (!decision.Allowed)
        {
            // TLS (SNI) clients cannot send credentials: for them a rule with users is a plain denial.
            var challenge = decision.AuthenticationCouldAllow && summary.Mode != ListenerMode.Tls && _auth.Offers(secure);
            summary.Refuse(challenge ? ConnectionOutcome.AuthenticationRequired : ConnectionOutcome.PolicyDenied, decision.Reason);
            await Refusal.SendAsync(connection, summary.Mode, summary.Outcome, $"denied: {decision.Reason} ({decision.Rule})", challenge ? _auth.Challenges(secure) : null)
                .ConfigureAwait(false);
            return null;
        }

        summary.Allow(decision.Rule, decision.Reason);
        var dial = await _dialer.DialAsync(destination, connection, abort).ConfigureAwait(false);
        if (dial.Dialled is { } dialled)
        {
            summary.Connected(dialled);
        }
        if (dial.Socket is not { } upstream)
        {
            summary.Refuse(dial.Outcome, dial.Reason);
            if (dial.Outcome == ConnectionOutcome.GuardDenied)
            {
                summary.Rule = "guard";
            }

            await Refusal.SendAsync(connection, summary.Mode, summary.Outcome, summary.Reason).ConfigureAwait(false);
            return null;
        }

        var established = auth.ServerToken is { Length: > 0 } token ? EstablishedWith(token) : Established;
        if (summary.Mode.IsConnect() && !await SendAsync(connection.Down, connection.Client, established, connection, summary).ConfigureAwait(false))
        {
            return null;
        }

        // What the client sent past the handshake goes first; in TLS mode the ClientHello only, since what follows it
        // may be a second ClientHello for after a HelloRetryRequest, which the tunnel's check judges.
        var checkTunnel = summary.Mode.IsConnect() && _options.CheckTunnelSni;
        var tls = summary.Mode == ListenerMode.Tls;
        if (destination.Head is { } head)
        {
            if (!await SendAsync(connection.Up, upstream, head, connection, summary).ConfigureAwait(false))
            {
                return null;
            }

            summary.BytesUp = head.Length;
        }

        // In a checked CONNECT tunnel, bytes sent right behind the CONNECT head are the start of what is checked.
        if (handshake.Count > 0 && !checkTunnel)
        {
            var first = tls ? destination.HelloLength : handshake.Count;
            if (!await SendAsync(connection.Up, upstream, handshake.Memory[..first], connection, summary).ConfigureAwait(false))
            {
                return null;
            }

            handshake.Consume(first);
            summary.BytesUp += first;
        }

        if (!checkTunnel && !tls)
        {
            return null;
        }

        var early = handshake.Count > 0 ? handshake.Data.ToArray() : [];
        return new TunnelCheck(
            connection, early, destination, clientAddress, summary, _policy, _options.HandshakeTimeout, tls ? destination.Host : null, _options.AllowNonTlsTunnels);
    }

    /// <summary>The 200 with the server's last Negotiate token, which a client asking for mutual authentication checks (RFC 4559 5).</summary>
    private static byte[] EstablishedWith(byte[] token) =>
        System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 Connection established\r\nProxy-Authenticate: Negotiate {Convert.ToBase64String(token)}\r\n\r\n");

    /// <summary>Sends all of <paramref name="data"/> before the relay starts; a failure closes the upstream and is recorded.</summary>
    private static async Task<bool> SendAsync(SocketOperation operation, Socket socket, ReadOnlyMemory<byte> data, ClientConnection connection, ConnectionSummary summary)
    {
        var result = await operation.SendAllAsync(socket, data).ConfigureAwait(false);
        if (!result.Ok)
        {
            connection.Detach();
            summary.Refuse(ConnectionOutcome.ResetBeforeRelay, result.Error.ToString());
        }

        return result.Ok;
    }
}
