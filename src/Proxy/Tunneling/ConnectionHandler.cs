using System.Net;
using System.Net.Sockets;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Policy;
using Endpoints.Proxy.ProxyProtocol;
using Endpoints.Proxy.Resolution;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// One client connection: PROXY header (from load balancers only), the mode's handshake (CONNECT head,
/// ClientHello SNI or Host header), policy, resolution and address guard, connect, then the tunnel.
/// Every outcome is a value written to the connection's one log line.
/// </summary>
public sealed class ConnectionHandler
{
    private const int HandshakeLimit = ClientHelloParser.MaxHelloLength + 8192;

    private readonly ProxyOptions _options;
    private readonly PolicyStore _policy;
    private readonly DestinationResolver _resolver;
    private readonly DestinationGuard _guard;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<ConnectionHandler> _logger;
    private readonly TimeProvider _time;
    private readonly IPNetwork[] _loadBalancers;

    public ConnectionHandler(
        IOptions<ProxyOptions> options, PolicyStore policy, DestinationResolver resolver, DestinationGuard guard,
        ProxyMetrics metrics, ILogger<ConnectionHandler> logger, TimeProvider time)
    {
        _options = options.Value;
        _policy = policy;
        _resolver = resolver;
        _guard = guard;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _loadBalancers = _options.ProxyProtocolFrom.Select(c => IPNetwork.Parse(c)).ToArray();
    }

    public async Task HandleAsync(Socket client, ListenerMode mode, CancellationToken abort)
    {
        var started = _time.GetTimestamp();
        var peer = (IPEndPoint)client.RemoteEndPoint!;
        var summary = new ConnectionSummary(peer.ToString(), mode);
        Socket? upstream = null;
        try
        {
            client.NoDelay = true;
            upstream = await OpenAsync(client, peer, summary, abort).ConfigureAwait(false);
            if (upstream is not null)
            {
                _metrics.TunnelOpened();
                var result = await new Tunnel(client, upstream, _options.BufferSize, _options.IdleTimeout, _time).RunAsync(abort).ConfigureAwait(false);
                _metrics.TunnelClosed(result.BytesUp, result.BytesDown);
                summary.BytesUp += result.BytesUp;
                summary.BytesDown = result.BytesDown;
                summary.End = result.End;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.Error("unexpected");
            Log.ConnectionError(_logger, ex, mode.ToString(), summary.Client);
            summary.End = ex.GetType().Name;
        }
        finally
        {
            upstream?.Dispose();
            client.Dispose();
            _metrics.Connection(ModeName(mode), summary.Decision);
            Log.Connection(_logger, summary.Client, ModeName(mode), summary.Destination, summary.Decision, summary.Rule, summary.Reason,
                summary.BytesUp, summary.BytesDown, _time.GetElapsedTime(started).TotalMilliseconds, summary.End,
                summary.VpcEndpointId is null ? string.Empty : $" vpce={summary.VpcEndpointId}");
        }
    }

    public static string ModeName(ListenerMode mode) => mode switch
    {
        ListenerMode.Connect => "connect",
        ListenerMode.Tls => "tls",
        _ => "http",
    };

    /// <summary>Everything before the tunnel; returns the connected upstream, or null after refusing.</summary>
    private async Task<Socket?> OpenAsync(Socket client, IPEndPoint peer, ConnectionSummary summary, CancellationToken abort)
    {
        var mode = summary.Mode;
        using var handshake = new HandshakeBuffer(HandshakeLimit);
        using var handshakeTimeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var handshakeToken = CancellationTokenSource.CreateLinkedTokenSource(abort, handshakeTimeout.Token);
        Destination? destination;
        var clientAddress = peer.Address.IsIPv4MappedToIPv6 ? peer.Address.MapToIPv4() : peer.Address;
        try
        {
            if (_loadBalancers.Any(n => n.Contains(clientAddress)))
            {
                var header = await ReadProxyHeaderAsync(client, handshake, summary, handshakeToken.Token).ConfigureAwait(false);
                if (header is null)
                {
                    return null;
                }

                summary.VpcEndpointId = header.VpcEndpointId;
                if (!header.IsLocal && header.Source is { } source)
                {
                    clientAddress = source.Address;
                    summary.Client = source.ToString();
                }
            }
            else if (!await RejectUntrustedProxyHeaderAsync(client, handshake, summary, handshakeToken.Token).ConfigureAwait(false))
            {
                return null;
            }

            destination = mode switch
            {
                ListenerMode.Connect => await ReadConnectAsync(client, handshake, summary, handshakeToken.Token).ConfigureAwait(false),
                ListenerMode.Tls => await ReadClientHelloAsync(client, handshake, summary, handshakeToken.Token).ConfigureAwait(false),
                _ => await ReadHostAsync(client, handshake, summary, handshakeToken.Token).ConfigureAwait(false),
            };
        }
        catch (OperationCanceledException) when (handshakeTimeout.IsCancellationRequested)
        {
            summary.Refuse("timeout", "no complete request within the handshake timeout", "handshake timeout");
            await Refusal.SendAsync(client, mode, 408, 0, summary.Reason, abort).ConfigureAwait(false);
            return null;
        }
        catch (SocketException ex)
        {
            summary.Refuse("error", ex.SocketErrorCode.ToString(), "client reset");
            return null;
        }

        if (destination is null)
        {
            return null;
        }

        summary.Destination = $"{destination.Host}:{destination.PolicyPort}";
        var decision = _policy.Current.Evaluate(clientAddress, destination.Host, destination.PolicyPort);
        summary.Rule = decision.Rule;
        summary.Reason = decision.Reason;
        if (!decision.Allowed)
        {
            summary.Decision = "deny";
            summary.End = "refused";
            await Refusal.SendAsync(client, mode, 403, Refusal.AlertAccessDenied, $"denied: {decision.Reason} ({decision.Rule})", abort).ConfigureAwait(false);
            return null;
        }

        summary.Decision = "allow";
        var upstream = await ConnectAsync(destination, summary, abort).ConfigureAwait(false);
        if (upstream is null)
        {
            var status = summary.End == "connect timeout" ? 504 : summary.Decision == "deny" ? 403 : 502;
            await Refusal.SendAsync(client, mode, status, summary.Decision == "deny" ? Refusal.AlertAccessDenied : Refusal.AlertInternalError, summary.Reason, abort)
                .ConfigureAwait(false);
            return null;
        }

        try
        {
            if (mode == ListenerMode.Connect)
            {
                await client.SendAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), SocketFlags.None, abort).ConfigureAwait(false);
            }

            // What the client sent past the handshake (the ClientHello itself in TLS mode) goes first.
            if (handshake.Count > 0)
            {
                await upstream.SendAsync(handshake.Memory, SocketFlags.None, abort).ConfigureAwait(false);
                summary.BytesUp = handshake.Count;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            upstream.Dispose();
            summary.End = "reset before relay";
            return null;
        }

        return upstream;
    }

    private async Task<ProxyHeader?> ReadProxyHeaderAsync(Socket client, HandshakeBuffer buffer, ConnectionSummary summary, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (ProxyHeaderParser.TryParse(buffer.Data, out var header, out var consumed, out var error))
            {
                case ParseStatus.Done:
                    buffer.Consume(consumed);
                    return header;
                case ParseStatus.Invalid:
                    summary.Refuse("error", error!, "bad PROXY header");
                    _metrics.Error("proxy-header");
                    return null;
            }

            if (!await buffer.ReadAsync(client, cancellationToken).ConfigureAwait(false))
            {
                summary.Refuse("error", "closed before the PROXY header", "client closed");
                return null;
            }
        }
    }

    /// <summary>A PROXY header from a source that is not a configured load balancer could forge the client address.</summary>
    private async Task<bool> RejectUntrustedProxyHeaderAsync(Socket client, HandshakeBuffer buffer, ConnectionSummary summary, CancellationToken cancellationToken)
    {
        while (buffer.Count < 6 && (buffer.Count == 0 || ProxyHeaderParser.LooksLikeHeader(buffer.Data)))
        {
            if (!await buffer.ReadAsync(client, cancellationToken).ConfigureAwait(false))
            {
                summary.Refuse("error", "closed before sending anything", "client closed");
                return false;
            }
        }

        if (buffer.Count >= 6 && ProxyHeaderParser.LooksLikeHeader(buffer.Data))
        {
            summary.Refuse("error", "PROXY header from a source not configured as a load balancer", "untrusted PROXY header");
            _metrics.Error("untrusted-proxy-header");
            return false;
        }

        return true;
    }

    private async Task<Destination?> ReadConnectAsync(Socket client, HandshakeBuffer buffer, ConnectionSummary summary, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(client, buffer, summary, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        if (head.Method != "CONNECT")
        {
            summary.Refuse("error", $"method {head.Method} (only CONNECT)", "refused");
            await Refusal.SendAsync(client, ListenerMode.Connect, 405, 0, "only CONNECT is supported", cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (!HttpHeadParser.TrySplitAuthority(head.Target, 0, out var host, out var port))
        {
            summary.Refuse("error", $"bad CONNECT target '{head.Target}'", "refused");
            await Refusal.SendAsync(client, ListenerMode.Connect, 400, 0, summary.Reason, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return new Destination(host, port, port);
    }

    private async Task<Destination?> ReadHostAsync(Socket client, HandshakeBuffer buffer, ConnectionSummary summary, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(client, buffer, summary, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        if (head.Header("Host") is not { Length: > 0 } authority || !HttpHeadParser.TrySplitAuthority(authority, 80, out var host, out var port))
        {
            summary.Refuse("error", "no valid Host header", "refused");
            await Refusal.SendAsync(client, ListenerMode.Http, 400, 0, summary.Reason, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return new Destination(host, port, port == 80 ? _options.HttpUpstreamPort : port);
    }

    private async Task<HttpHead?> ReadHeadAsync(Socket client, HandshakeBuffer buffer, ConnectionSummary summary, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = HttpHeadParser.TryParse(buffer.Data, out var head, out var error);
            if (status == ParseStatus.Done)
            {
                if (summary.Mode == ListenerMode.Connect)
                {
                    buffer.Consume(head!.Length);
                }

                return head;
            }

            if (status == ParseStatus.Invalid || buffer.IsFull)
            {
                var tooLarge = buffer.Count >= HttpHeadParser.MaxHeadLength;
                summary.Refuse("error", error ?? "request head too large", "refused");
                await Refusal.SendAsync(client, summary.Mode, tooLarge ? 431 : 400, 0, summary.Reason, cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (!await buffer.ReadAsync(client, cancellationToken).ConfigureAwait(false))
            {
                summary.Refuse("error", "closed before the request head ended", "client closed");
                return null;
            }
        }
    }

    private async Task<Destination?> ReadClientHelloAsync(Socket client, HandshakeBuffer buffer, ConnectionSummary summary, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = ClientHelloParser.TryGetServerName(buffer.Data, out var serverName, out var error);
            if (status == ParseStatus.Done)
            {
                if (serverName is null)
                {
                    summary.Refuse("deny", error!, "refused");
                    await Refusal.SendAsync(client, ListenerMode.Tls, 0, Refusal.AlertUnrecognizedName, error!, cancellationToken).ConfigureAwait(false);
                    return null;
                }

                return new Destination(serverName, 443, _options.TlsUpstreamPort);
            }

            if (status == ParseStatus.Invalid || buffer.IsFull)
            {
                summary.Refuse("error", error ?? "ClientHello too large", "refused");
                var alert = error == "not TLS" ? (byte)0 : Refusal.AlertInternalError;
                await Refusal.SendAsync(client, ListenerMode.Tls, 0, alert, summary.Reason, cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (!await buffer.ReadAsync(client, cancellationToken).ConfigureAwait(false))
            {
                summary.Refuse("error", "closed before the ClientHello ended", "client closed");
                return null;
            }
        }
    }

    /// <summary>Resolves, checks every address with the guard, and connects to the first allowed one that answers.</summary>
    private async Task<Socket?> ConnectAsync(Destination destination, ConnectionSummary summary, CancellationToken abort)
    {
        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        try
        {
            var resolved = await _resolver.ResolveAsync(destination.Host, token.Token).ConfigureAwait(false);
            if (resolved.Addresses.Count == 0)
            {
                summary.Reason = resolved.Error ?? "no address";
                summary.End = resolved.TimedOut ? "connect timeout" : "resolution failed";
                _metrics.Error("resolve");
                return null;
            }

            var refusals = new List<string>();
            var guardRefusals = 0;
            foreach (var address in resolved.Addresses)
            {
                var check = _guard.Check(address, destination.DialPort);
                if (!check.Allowed)
                {
                    refusals.Add(check.Reason);
                    guardRefusals++;
                    continue;
                }

                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, destination.DialPort), token.Token).ConfigureAwait(false);
                    _metrics.Connected(_time.GetElapsedTime(started).TotalMilliseconds);
                    summary.Destination = $"{destination.Host}:{destination.PolicyPort} ({address}:{destination.DialPort})";
                    return socket;
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    refusals.Add($"{address}: {ex.SocketErrorCode}");
                }
                catch (OperationCanceledException)
                {
                    socket.Dispose();
                    throw;
                }
            }

            var guarded = guardRefusals == resolved.Addresses.Count;
            summary.Reason = string.Join("; ", refusals);
            summary.End = guarded ? "refused" : "connect failed";
            if (guarded)
            {
                summary.Decision = "deny";
                summary.Rule = "guard";
            }

            _metrics.Error(guarded ? "guard" : "connect");
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            summary.Reason = $"no connection within {_options.ConnectTimeout.TotalSeconds:F0}s";
            summary.End = "connect timeout";
            _metrics.Error("connect-timeout");
            return null;
        }
    }
}
