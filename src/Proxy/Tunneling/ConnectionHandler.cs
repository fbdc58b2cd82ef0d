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
            upstream = await OpenAsync(client, summary, abort).ConfigureAwait(false);
            if (upstream is not null)
            {
                _metrics.TunnelOpened();
                var result = await new Tunnel(client, upstream, _options.BufferSize, _options.IdleTimeout, _time).RunAsync(abort).ConfigureAwait(false);
                _metrics.TunnelClosed(result.BytesUp, result.BytesDown);
                summary.BytesUp += result.BytesUp;
                summary.BytesDown = result.BytesDown;
                summary.TunnelEnd = result.End;
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

            _metrics.Connection(ModeName(mode), words.Decision);
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

    /// <summary>Everything before the tunnel; returns the connected upstream, or null after refusing.</summary>
    private async Task<Socket?> OpenAsync(Socket client, ConnectionSummary summary, CancellationToken abort)
    {
        using var handshake = new HandshakeBuffer(HandshakeLimit);
        var (destination, clientAddress) = await ReadHandshakeAsync(client, handshake, summary, abort).ConfigureAwait(false);
        if (destination is null)
        {
            await Refusal.SendAsync(client, summary.Mode, summary.Outcome, summary.Reason, abort).ConfigureAwait(false);
            return null;
        }

        summary.Destination = $"{LogText.Field(destination.Host)}:{destination.PolicyPort}";
        var decision = _policy.Current.Evaluate(clientAddress, destination.Host, destination.PolicyPort);
        summary.Rule = decision.Rule;
        if (!decision.Allowed)
        {
            summary.Refuse(ConnectionOutcome.PolicyDenied, decision.Reason);
            await Refusal.SendAsync(client, summary.Mode, summary.Outcome, $"denied: {decision.Reason} ({decision.Rule})", abort).ConfigureAwait(false);
            return null;
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
            return null;
        }

        try
        {
            if (summary.Mode == ListenerMode.Connect)
            {
                await client.SendAsync(Established, SocketFlags.None, abort).ConfigureAwait(false);
                if (_options.CheckTunnelSni && !await TunnelNameAllowedAsync(client, upstream, handshake, destination, clientAddress, summary, abort).ConfigureAwait(false))
                {
                    upstream.Dispose();
                    await Refusal.SendAsync(client, summary.Mode, summary.Outcome, summary.Reason, abort).ConfigureAwait(false);
                    return null;
                }
            }

            // What the client sent past the handshake (the ClientHello itself in TLS mode) goes first.
            if (destination.Head is { } head)
            {
                await upstream.SendAsync(head, SocketFlags.None, abort).ConfigureAwait(false);
                summary.BytesUp = head.Length;
            }

            if (handshake.Count > 0)
            {
                await upstream.SendAsync(handshake.Memory, SocketFlags.None, abort).ConfigureAwait(false);
                summary.BytesUp += handshake.Count;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            upstream.Dispose();
            summary.Refuse(ConnectionOutcome.ResetBeforeRelay, ex.Message);
            return null;
        }

        return upstream;
    }

    /// <summary>
    /// A TLS ClientHello at the start of a CONNECT tunnel must name the CONNECT host, or a name the policy allows this
    /// client on its own; bucket endpoints share addresses, so the name inside decides what is reached.
    /// </summary>
    private async Task<bool> TunnelNameAllowedAsync(
        Socket client, Socket upstream, HandshakeBuffer handshake, Destination destination, IPAddress clientAddress, ConnectionSummary summary,
        CancellationToken abort)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        string? serverName;
        try
        {
            // A TLS server never speaks first: when the upstream does, this is another protocol and is relayed as is.
            // An idle tunnel may wait here long: it holds no buffer meanwhile.
            handshake.ReleaseWhileEmpty();
            if (handshake.Count == 0 && !await ClientSpeaksFirstAsync(client, upstream, token).ConfigureAwait(false))
            {
                return true;
            }

            serverName = await HandshakeReader.ReadTunnelServerNameAsync(client, handshake, token.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Nothing from either side in time: relayed as is.
            return true;
        }

        if (serverName is null ||
            (HostName.TryNormalize(serverName, out var inside) && HostName.TryNormalize(destination.Host, out var connected) && inside == connected))
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

    /// <summary>Waits, without reading, until either side has something to say; true when the client is first.</summary>
    private static async Task<bool> ClientSpeaksFirstAsync(Socket client, Socket upstream, CancellationTokenSource token)
    {
        using var other = CancellationTokenSource.CreateLinkedTokenSource(token.Token);
        var fromClient = client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, other.Token).AsTask();
        var fromUpstream = upstream.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, other.Token).AsTask();
        var first = await Task.WhenAny(fromClient, fromUpstream).ConfigureAwait(false);
        await other.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(fromClient, fromUpstream).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .ConfigureAwait(false);
        await first.ConfigureAwait(false);
        return first == fromClient;
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
