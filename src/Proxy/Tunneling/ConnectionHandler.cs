using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Text;
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
    private const int HandshakeLimit = ClientHelloParser.MaxHelloLength + 8192;
    private static readonly byte[] Established = "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray();

    private readonly ProxyOptions _options;
    private readonly HandshakeReader _handshake;
    private readonly SourceLimiter _sources;
    private readonly PolicyStore _policy;
    private readonly Dialer _dialer;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<ConnectionHandler> _logger;
    private readonly TimeProvider _time;

    public ConnectionHandler(
        IOptions<ProxyOptions> options, HandshakeReader handshake, SourceLimiter sources, PolicyStore policy, Dialer dialer, ProxyMetrics metrics,
        ILogger<ConnectionHandler> logger, TimeProvider time)
    {
        _options = options.Value;
        _handshake = handshake;
        _sources = sources;
        _policy = policy;
        _dialer = dialer;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    public async Task HandleAsync(Socket client, ListenerMode mode, CancellationToken abort)
    {
        var started = _time.GetTimestamp();
        var summary = new ConnectionSummary(client.RemoteEndPoint?.ToString() ?? "?", mode);
        Socket? upstream = null;
        try
        {
            client.NoDelay = true;
            (upstream, var admitUp) = await OpenAsync(client, summary, abort).ConfigureAwait(false);
            if (upstream is not null)
            {
                _metrics.TunnelOpened();
                var opened = _time.GetTimestamp();
                var result = await new Tunnel(client, upstream, _options.BufferSize, _options.IdleTimeout, _time).RunAsync(abort, admitUp).ConfigureAwait(false);
                _metrics.TunnelClosed(result.BytesUp, result.BytesDown, _time.GetElapsedTime(opened).TotalSeconds);
                summary.BytesUp += result.BytesUp;
                summary.BytesDown = result.BytesDown;
                if (summary.Outcome == ConnectionOutcome.SniMismatch)
                {
                    await Refusal.SendAsync(client, mode, summary.Outcome, summary.Reason, abort).ConfigureAwait(false);
                }
                else
                {
                    summary.TunnelEnd = result.End;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ConnectionError(_logger, ex, ModeName(mode), summary.Client);
            summary.Refuse(ConnectionOutcome.Unexpected, ex.GetType().Name);
        }
        finally
        {
            upstream?.Dispose();
            client.Dispose();
            if (summary.CountedSource is { } source)
            {
                _sources.Exit(source);
            }

            var words = Refusal.Of(summary.Outcome);
            if (words.ErrorKind is { } kind)
            {
                _metrics.Error(kind);
            }

            _metrics.Connection(ModeName(mode), words.Decision, summary.Rule);
            if (_logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // guarded by IsEnabled just above, which the analyzer does not see through
                Log.Connection(_logger, summary.Client, ModeName(mode), summary.Destination, words.Decision, summary.Rule, LogText.Escape(summary.Reason),
                    summary.BytesUp, summary.BytesDown, _time.GetElapsedTime(started).TotalMilliseconds, summary.End,
                    summary.VpcEndpointId is null ? string.Empty : $" vpce={LogText.Field(summary.VpcEndpointId)}");
#pragma warning restore CA1873
            }
        }
    }

    public static string ModeName(ListenerMode mode) => mode switch
    {
        ListenerMode.Connect => "connect",
        ListenerMode.Tls => "tls",
        _ => "http",
    };

    /// <summary>
    /// Everything before the tunnel; returns the connected upstream (or null after refusing) and, for CONNECT, the
    /// check of the tunnel's first bytes.
    /// </summary>
    private async Task<(Socket? Upstream, Func<CancellationToken, Task<long?>>? AdmitUp)> OpenAsync(Socket client, ConnectionSummary summary, CancellationToken abort)
    {
        using var handshake = new HandshakeBuffer(HandshakeLimit);
        var (destination, clientAddress) = await ReadHandshakeAsync(client, handshake, summary, abort).ConfigureAwait(false);
        if (destination is null)
        {
            await Refusal.SendAsync(client, summary.Mode, summary.Outcome, summary.Reason, abort).ConfigureAwait(false);
            return (null, null);
        }

        summary.Destination = $"{LogText.Field(destination.Host)}:{destination.PolicyPort}";
        var decision = _policy.Current.Evaluate(clientAddress, destination.Host, destination.PolicyPort);
        summary.Rule = decision.Rule;
        if (!decision.Allowed)
        {
            summary.Refuse(ConnectionOutcome.PolicyDenied, decision.Reason);
            await Refusal.SendAsync(client, summary.Mode, summary.Outcome, $"denied: {decision.Reason} ({decision.Rule})", abort).ConfigureAwait(false);
            return (null, null);
        }

        summary.Allow(decision.Rule, decision.Reason);
        var dial = await _dialer.DialAsync(destination, abort).ConfigureAwait(false);
        summary.Destination = dial.Destination;
        if (dial.Socket is not { } upstream)
        {
            summary.Refuse(dial.Outcome, dial.Reason);
            if (dial.Outcome == ConnectionOutcome.GuardDenied)
            {
                summary.Rule = "guard";
            }

            await Refusal.SendAsync(client, summary.Mode, summary.Outcome, summary.Reason, abort).ConfigureAwait(false);
            return (null, null);
        }

        var checkTunnel = false;
        try
        {
            if (summary.Mode == ListenerMode.Connect)
            {
                await client.SendAsync(Established, SocketFlags.None, abort).ConfigureAwait(false);
            }

            // What the client sent past the handshake (the ClientHello itself in TLS mode) goes first.
            checkTunnel = summary.Mode == ListenerMode.Connect && _options.CheckTunnelSni;
            if (destination.Head is { } head)
            {
                await upstream.SendAsync(head, SocketFlags.None, abort).ConfigureAwait(false);
                summary.BytesUp = head.Length;
            }

            // In a checked CONNECT tunnel, bytes sent right behind the CONNECT head are the start of what is checked.
            if (handshake.Count > 0 && !checkTunnel)
            {
                await upstream.SendAsync(handshake.Memory, SocketFlags.None, abort).ConfigureAwait(false);
                summary.BytesUp += handshake.Count;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            upstream.Dispose();
            summary.Refuse(ConnectionOutcome.ResetBeforeRelay, ex.Message);
            return (null, null);
        }

        if (!checkTunnel)
        {
            return (upstream, null);
        }

        var early = handshake.Data.ToArray();
        return (upstream, token => AdmitTunnelAsync(client, upstream, early, destination, clientAddress, summary, token));
    }

    /// <summary>
    /// A TLS ClientHello at the start of a CONNECT tunnel must name the CONNECT host, or a name the policy allows this
    /// client on its own; bucket endpoints share addresses, so the name inside decides what is reached. Runs inside
    /// the tunnel, so a server that speaks first is relayed meanwhile; returns the bytes it passed on, or null.
    /// </summary>
    private async Task<long?> AdmitTunnelAsync(
        Socket client, Socket upstream, byte[] early, Destination destination, IPAddress clientAddress, ConnectionSummary summary,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HandshakeBuffer? buffer = null;
        try
        {
            string? serverName = null;
            try
            {
                // Wait without a buffer: an idle tunnel may sit here until the handshake timeout.
                if (early.Length == 0)
                {
                    await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, token.Token).ConfigureAwait(false);
                }

                buffer = new HandshakeBuffer(HandshakeLimit);
                buffer.Append(early);
                serverName = await HandshakeReader.ReadTunnelServerNameAsync(client, buffer, token.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Nothing complete from the client in time: not TLS; relayed as is.
            }

            if (serverName is not null && !NameAllowed(serverName, destination, clientAddress, summary))
            {
                return null;
            }

            if (buffer is not { Count: > 0 })
            {
                return 0;
            }

            await upstream.SendAsync(buffer.Memory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return buffer.Count;
        }
        finally
        {
            buffer?.Dispose();
        }
    }

    private bool NameAllowed(string serverName, Destination destination, IPAddress clientAddress, ConnectionSummary summary)
    {
        if (HostName.TryNormalize(serverName, out var inside) && HostName.TryNormalize(destination.Host, out var connected) && inside == connected)
        {
            return true;
        }

        var decision = _policy.Current.Evaluate(clientAddress, serverName, destination.PolicyPort);
        if (decision.Allowed)
        {
            return true;
        }

        summary.Rule = decision.Rule;
        summary.Refuse(ConnectionOutcome.SniMismatch, $"SNI '{serverName}' in a tunnel to {destination.Host}: {decision.Reason}");
        return false;
    }

    private async Task<(Destination? Destination, IPAddress ClientAddress)> ReadHandshakeAsync(
        Socket client, HandshakeBuffer handshake, ConnectionSummary summary, CancellationToken abort)
    {
        var peer = (IPEndPoint)client.RemoteEndPoint!;
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        try
        {
            return await _handshake.ReadAsync(client, peer, handshake, summary, token.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            summary.Refuse(ConnectionOutcome.HandshakeTimeout, "no complete request within the handshake timeout");
        }
        catch (SocketException ex)
        {
            summary.Refuse(ConnectionOutcome.ClientReset, ex.SocketErrorCode.ToString());
        }

        return (null, peer.Address);
    }
}
