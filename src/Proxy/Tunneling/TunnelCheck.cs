using System.Net;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// A TLS ClientHello at the start of a CONNECT tunnel must name the CONNECT host, or a name the policy allows this
/// client on its own; bucket endpoints share addresses, so the name inside decides what is reached. Runs inside
/// the tunnel, so a server that speaks first is relayed meanwhile. The wait for the first byte has no deadline of
/// its own (the idle timeout governs it); a ClientHello, once begun, must end within HandshakeTimeout or the
/// tunnel is closed, so nothing reaches upstream unchecked.
/// </summary>
internal sealed class TunnelCheck(
    ClientConnection connection, byte[] early, Destination destination, IPAddress clientAddress, ConnectionSummary summary, PolicyStore policy,
    TimeSpan handshakeTimeout)
{
    /// <summary>Runs before anything of the client's goes upstream: the bytes it passed on, or null to refuse.</summary>
    public async Task<long?> RunAsync()
    {
        if (early.Length == 0)
        {
            // Wait without a buffer: an idle tunnel may sit here until its idle timeout.
            var ready = await connection.Up.ReceiveAsync(connection.Client, Memory<byte>.Empty).ConfigureAwait(false);
            if (!ready.Ok)
            {
                // Reset (a second receive would only see the end of stream): passed on, so the pump ends as a reset.
                connection.Reset();
                return 0;
            }
        }

        using var buffer = new HandshakeBuffer(ConnectionHandler.HandshakeLimit);
        buffer.Append(early);
        connection.SetDeadline(Expiry.TunnelCheck, handshakeTimeout);
        var (complete, serverName, reset) = await HandshakeReader.ReadTunnelServerNameAsync(connection, buffer).ConfigureAwait(false);
        connection.StartIdleClock();
        if (!complete)
        {
            // Closed, reset or out of time with a ClientHello begun: nothing of it goes upstream.
            if (connection.Expired == Expiry.TunnelCheck)
            {
                summary.Refuse(ConnectionOutcome.SniMismatch, "no complete ClientHello within the handshake timeout");
                return null;
            }

            if (reset)
            {
                connection.Reset();
            }

            return 0;
        }

        if (serverName is not null && !NameAllowed(serverName))
        {
            return null;
        }

        if (buffer.Count == 0)
        {
            return 0;
        }

        var sent = await connection.Up.SendAllAsync(connection.Upstream!, buffer.Memory).ConfigureAwait(false);
        if (!sent.Ok)
        {
            // The upstream reset: passed on, so the pump ends as a reset rather than waiting on the client.
            connection.Reset();
            return 0;
        }

        return buffer.Count;
    }

    private bool NameAllowed(string serverName)
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
        summary.Refuse(ConnectionOutcome.SniMismatch, $"SNI '{serverName}' in a tunnel to {destination.Host}: {decision.Reason}");
        return false;
    }
}
