using System.Net;
using Endpoints.Common.Networking;
using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Reads what a client sends before the tunnel: the PROXY header (from load balancers only, and never from anyone
/// else), then the mode's request: a CONNECT head, a ClientHello's SNI or a Host header. Returns the destination,
/// or null with the refusal recorded in the summary.
/// </summary>
internal sealed class HandshakeReader
{
    private readonly ProxyOptions _options;
    private readonly SourceLimiter _sources;
    private readonly IPNetwork[] _loadBalancers;

    public HandshakeReader(IOptions<ProxyOptions> options, SourceLimiter sources)
    {
        _options = options.Value;
        _sources = sources;
        _loadBalancers = _options.LoadBalancerNetworks;
    }

    /// <summary>The client address the policy judges: the PROXY header's source when a load balancer sent one.</summary>
    public async ValueTask<(Destination? Destination, IPAddress ClientAddress)> ReadAsync(
        ClientConnection connection, IPEndPoint peer, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        var clientAddress = peer.Address.IsIPv4MappedToIPv6 ? peer.Address.MapToIPv4() : peer.Address;
        if (_loadBalancers.ContainsAny(clientAddress))
        {
            var header = await ReadProxyHeaderAsync(connection, buffer, summary).ConfigureAwait(false);
            if (header is null)
            {
                return (null, clientAddress);
            }

            summary.VpcEndpointId = header.VpcEndpointId;
            if (!header.IsLocal && header.Source is { } source)
            {
                clientAddress = source.Address;
                summary.Peer = source;
            }

            if (!CountSource(clientAddress, summary))
            {
                return (null, clientAddress);
            }
        }
        else if (!CountSource(clientAddress, summary) || !await RejectUntrustedProxyHeaderAsync(connection, buffer, summary).ConfigureAwait(false))
        {
            return (null, clientAddress);
        }

        var destination = summary.Mode switch
        {
            ListenerMode.Connect or ListenerMode.ConnectTls => await ReadConnectAsync(connection, buffer, summary).ConfigureAwait(false),
            ListenerMode.Tls => await ReadClientHelloAsync(connection, buffer, summary).ConfigureAwait(false),
            _ => await ReadHostAsync(connection, buffer, summary).ConfigureAwait(false),
        };
        return (destination, clientAddress);
    }

    /// <summary>Counted as soon as the address is known: at once for a direct client, after the PROXY header otherwise.</summary>
    private bool CountSource(IPAddress clientAddress, ConnectionSummary summary)
    {
        if (!_sources.TryEnter(clientAddress))
        {
            summary.Refuse(ConnectionOutcome.SourceLimited, $"{clientAddress} already has {_sources.Limit} connections open");
            return false;
        }

        summary.CountedSource = clientAddress;
        return true;
    }

    /// <summary>Reads more of the handshake; false, with the refusal recorded, when none came.</summary>
    private static async ValueTask<bool> ReadMoreAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary, string closedReason)
    {
        var result = await connection.Up.ReceiveAsync(connection.Client, buffer.FreeSpace()).ConfigureAwait(false);
        buffer.Commit(result);
        switch (connection.Expired)
        {
            case Expiry.Handshake:
                summary.Refuse(ConnectionOutcome.HandshakeTimeout, "no complete request within the handshake timeout");
                return false;
            case Expiry.Drain:
                summary.Refuse(ConnectionOutcome.ClientClosed, "closed by the drain timeout");
                return false;
        }

        if (!result.Ok)
        {
            summary.Refuse(ConnectionOutcome.ClientReset, result.Error.ToString());
            return false;
        }

        if (result.Bytes == 0)
        {
            summary.Refuse(ConnectionOutcome.ClientClosed, closedReason);
            return false;
        }

        return true;
    }

    private static async ValueTask<ProxyHeader?> ReadProxyHeaderAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        while (true)
        {
            switch (ProxyHeaderParser.TryParse(buffer.Data, out var header, out var consumed, out var error))
            {
                case ParseStatus.Done:
                    buffer.Consume(consumed);
                    return header;
                case ParseStatus.Invalid:
                    summary.Refuse(ConnectionOutcome.BadProxyHeader, error.Describe());
                    return null;
            }

            if (!await ReadMoreAsync(connection, buffer, summary, "closed before the PROXY header").ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>A PROXY header from a source that is not a configured load balancer could forge the client address.</summary>
    private static async ValueTask<bool> RejectUntrustedProxyHeaderAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        while (buffer.Count < 6 && (buffer.Count == 0 || ProxyHeaderParser.LooksLikeHeader(buffer.Data)))
        {
            if (!await ReadMoreAsync(connection, buffer, summary, "closed before sending anything").ConfigureAwait(false))
            {
                return false;
            }
        }

        if (buffer.Count >= 6 && ProxyHeaderParser.LooksLikeHeader(buffer.Data))
        {
            summary.Refuse(ConnectionOutcome.UntrustedProxyHeader, "PROXY header from a source not configured as a load balancer");
            return false;
        }

        return true;
    }

    private static async ValueTask<Destination?> ReadConnectAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        var head = await ReadHeadAsync(connection, buffer, summary).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        if (!string.Equals(head.Method, "CONNECT", StringComparison.Ordinal))
        {
            summary.Refuse(ConnectionOutcome.MethodNotAllowed, $"method {head.Method} (only CONNECT)");
            return null;
        }

        if (!HttpHeadParser.TrySplitAuthority(head.Target, 0, out var host, out var port))
        {
            summary.Refuse(ConnectionOutcome.BadRequest, $"bad CONNECT target '{head.Target}'");
            return null;
        }

        return TryGetAuthorization(head, summary, out var authorization) ? new Destination(host, port, port, Authorization: authorization) : null;
    }

    private async ValueTask<Destination?> ReadHostAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        var head = await ReadHeadAsync(connection, buffer, summary).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        if (HostModeRequest.Check(head) is { } problem)
        {
            summary.Refuse(ConnectionOutcome.BadRequest, problem);
            return null;
        }

        if (!HttpHeadParser.TrySplitAuthority(head.Header("Host")!, 80, out var host, out var port))
        {
            summary.Refuse(ConnectionOutcome.BadRequest, "no valid Host header");
            return null;
        }

        if (!TryGetAuthorization(head, summary, out var authorization))
        {
            return null;
        }

        // The head goes upstream rewritten with Connection: close, so the origin answers this one request only.
        buffer.Consume(head.Length);
        return new Destination(host, port, port == 80 ? _options.HttpUpstreamPort : port, HostModeRequest.CloseAfterResponse(head), authorization);
    }

    /// <summary>The one <c>Proxy-Authorization</c> value, or none; two are refused (which would the policy have judged?).</summary>
    private static bool TryGetAuthorization(HttpHead head, ConnectionSummary summary, out string? authorization)
    {
        authorization = head.Header("Proxy-Authorization");
        if (authorization is not null && head.Count("Proxy-Authorization") > 1)
        {
            summary.Refuse(ConnectionOutcome.BadRequest, "several Proxy-Authorization headers");
            return false;
        }

        return true;
    }

    private static async ValueTask<HttpHead?> ReadHeadAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        while (true)
        {
            var status = HttpHeadParser.TryParse(buffer.Data, out var head, out var error);
            if (status == ParseStatus.Done)
            {
                if (summary.Mode.IsConnect())
                {
                    buffer.Consume(head!.Length);
                }

                return head;
            }

            if (status == ParseStatus.Invalid || buffer.IsFull)
            {
                var tooLarge = error == HttpHeadError.TooLarge || buffer.Count >= HttpHeadParser.MaxHeadLength;
                summary.Refuse(tooLarge ? ConnectionOutcome.HeadTooLarge : ConnectionOutcome.BadRequest, (tooLarge ? HttpHeadError.TooLarge : error).Describe());
                return null;
            }

            if (!await ReadMoreAsync(connection, buffer, summary, "closed before the request head ended").ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    private async ValueTask<Destination?> ReadClientHelloAsync(ClientConnection connection, HandshakeBuffer buffer, ConnectionSummary summary)
    {
        while (true)
        {
            var status = ClientHelloParser.TryGetServerName(buffer.Data, out var serverName, out var error, out var helloLength);
            if (status == ParseStatus.Done)
            {
                if (serverName is null)
                {
                    summary.Refuse(ConnectionOutcome.NoServerName, error.Describe());
                    return null;
                }

                return new Destination(serverName, 443, _options.TlsUpstreamPort, HelloLength: helloLength);
            }

            if (status == ParseStatus.Invalid || buffer.IsFull)
            {
                var outcome = error == ClientHelloError.NotTls ? ConnectionOutcome.NotTls : ConnectionOutcome.BadClientHello;
                summary.Refuse(outcome, (status == ParseStatus.Invalid ? error : ClientHelloError.TooLarge).Describe());
                return null;
            }

            if (!await ReadMoreAsync(connection, buffer, summary, "closed before the ClientHello ended").ConfigureAwait(false))
            {
                return null;
            }
        }
    }
}
