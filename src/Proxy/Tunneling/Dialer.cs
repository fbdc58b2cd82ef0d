using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Text;
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

    public async Task<DialResult> DialAsync(Destination destination, CancellationToken abort)
    {
        var started = _time.GetTimestamp();
        var name = $"{LogText.Field(destination.Host)}:{destination.PolicyPort}";
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        try
        {
            var resolved = await _resolver.ResolveAsync(destination.Host, token.Token).ConfigureAwait(false);
            if (resolved.Addresses.Count == 0)
            {
                return new DialResult(null, resolved.TimedOut ? ConnectionOutcome.ConnectTimeout : ConnectionOutcome.ResolveFailed, resolved.Error ?? "no address", name);
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
                    _metrics.Connected(_time.GetElapsedTime(started).TotalSeconds);
                    return new DialResult(socket, ConnectionOutcome.Relayed, string.Empty, $"{name} ({address}:{destination.DialPort})");
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

            var outcome = guardRefusals == resolved.Addresses.Count ? ConnectionOutcome.GuardDenied : ConnectionOutcome.ConnectFailed;
            return new DialResult(null, outcome, string.Join("; ", refusals), name);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new DialResult(null, ConnectionOutcome.ConnectTimeout, $"no connection within {_options.ConnectTimeout.TotalSeconds:F0}s", name);
        }
    }
}
