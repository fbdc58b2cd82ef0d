using System.Net;
using System.Net.Sockets;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Resolution;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Resolves an allowed name, checks every address with the guard, and connects to the first allowed one that
/// answers: exactly the address it checked.
/// </summary>
internal sealed class Dialer
{
    private readonly ProxyOptions _options;
    private readonly DestinationResolver _resolver;
    private readonly DestinationGuard _guard;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;

    public Dialer(IOptions<ProxyOptions> options, DestinationResolver resolver, DestinationGuard guard, ProxyMetrics metrics, TimeProvider time)
    {
        _options = options.Value;
        _resolver = resolver;
        _guard = guard;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>
    /// Connects to the destination within ConnectTimeout (a deadline of <paramref name="connection"/>: an expired
    /// connect is closed, never thrown). The connected socket is attached to the connection.
    /// </summary>
    public async Task<DialResult> DialAsync(Destination destination, ClientConnection connection, CancellationToken abort)
    {
        var started = _time.GetTimestamp();
        connection.SetDeadline(Expiry.Connect, _options.ConnectTimeout);
        try
        {
            var resolved = await _resolver.ResolveAsync(destination.Host, abort).ConfigureAwait(false);
            if (connection.Expired == Expiry.Connect)
            {
                return TimedOut();
            }

            if (resolved.Addresses.Count == 0)
            {
                return new DialResult(null, resolved.TimedOut ? ConnectionOutcome.ConnectTimeout : ConnectionOutcome.ResolveFailed, resolved.Error ?? "no address");
            }

            List<string>? refusals = null;
            var guardRefusals = 0;
            for (var i = 0; i < resolved.Addresses.Count; i++)
            {
                var address = resolved.Addresses[i];
                var check = _guard.Check(address, destination.DialPort);
                if (!check.Allowed)
                {
                    (refusals ??= []).Add(check.Reason);
                    guardRefusals++;
                    continue;
                }

                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                connection.Attach(socket);
                var endpoint = new IPEndPoint(address, destination.DialPort);
                var result = await connection.Up.ConnectAsync(socket, endpoint).ConfigureAwait(false);
                if (result.Ok)
                {
                    _metrics.Connected(_time.GetElapsedTime(started).TotalSeconds);
                    return new DialResult(socket, ConnectionOutcome.Relayed, string.Empty, endpoint);
                }

                connection.Detach();
                if (connection.Expired == Expiry.Connect)
                {
                    return TimedOut();
                }

                (refusals ??= []).Add($"{address}: {result.Error}");
            }

            var outcome = guardRefusals == resolved.Addresses.Count ? ConnectionOutcome.GuardDenied : ConnectionOutcome.ConnectFailed;
            return new DialResult(null, outcome, string.Join("; ", refusals ?? []));
        }
        finally
        {
            connection.ClearDeadline();
        }
    }

    private DialResult TimedOut() =>
        new(null, ConnectionOutcome.ConnectTimeout, $"no connection within {_options.ConnectTimeout.TotalSeconds:F0}s");
}
