using System.Net;
using System.Net.Sockets;
using Endpoints.Common.Networking;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// A UDP socket connected to one upstream, from a source port the kernel picked at random, used for one exchange at a
/// time. Under load it serves the next exchange too, for a few tens of milliseconds at most (<see cref="UpstreamSocketPool"/>):
/// opening, registering and closing a socket per query was a third of the CPU of a forwarded query (bench/README.md),
/// while a port open for seconds is what an off-path forger finds by side channel (SAD DNS, CVE-2020-25705). Datagrams
/// that wait in it between exchanges are thrown away before it is used again, so forged answers cannot be queued for a
/// question to come. The kernel drops datagrams from any other address or port; a late answer to an earlier query is
/// ignored by ID and question. A socket that fails or times out is thrown away.
/// </summary>
internal sealed class UpstreamSocket : IDisposable
{
    public const int MaxUses = 100;

    private readonly Socket _socket;
    private readonly SocketOperation _operation = new();
    private int _uses;

    private UpstreamSocket(Socket socket) => _socket = socket;

    /// <summary>When it was opened, as a timestamp of its pool's clock.</summary>
    public long OpenedAt { get; set; }

    /// <summary>Its source port: the one a forger has to hit.</summary>
    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Bytes queued on it, unread.</summary>
    public int Queued => _socket.Available;

    /// <summary>Which of its pool's rents handed it its current or last exchange: a later one means the load goes on.</summary>
    public long Rent { get; set; }

    /// <summary>When its last exchange ended.</summary>
    public long IdleSince { get; set; }

    /// <summary>Throws away what arrived since its last exchange (late or forged answers), without waiting.</summary>
    public void Drain()
    {
        try
        {
            Span<byte> discard = stackalloc byte[512];
            while (_socket.Available > 0)
            {
                _socket.Receive(discard, SocketFlags.None);
            }
        }
        catch (SocketException)
        {
            // An ICMP error queued on it: nothing to keep either way.
        }
    }

    /// <summary>When its exchange times out, as a <see cref="TimeProvider"/> timestamp; set by <see cref="ExchangeTimeouts"/>.</summary>
    internal long Deadline { get; set; }

    /// <summary>Its place among the exchanges waiting on <see cref="ExchangeTimeouts"/>; changed under its lock only.</summary>
    internal UpstreamSocket? Previous { get; set; }

    internal UpstreamSocket? Next { get; set; }

    internal bool Waiting { get; set; }

    /// <summary>Whether it may serve another exchange.</summary>
    public bool Reusable => ++_uses < MaxUses;

    public static UpstreamSocket Open(IPEndPoint upstream)
    {
        var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Connecting a UDP socket only sets its peer (no packet is sent), so it is done inline.
            socket.Connect(upstream);
            return new UpstreamSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The last exchange's response matched but for the case of the question (see <see cref="UpstreamExchange.MatchesButForCase"/>).</summary>
    public bool CaseChanged { get; private set; }

    /// <summary>
    /// Sends <paramref name="query"/> and waits for the response to it (same ID, QR set, same question); nothing else is
    /// taken. A response whose question differs in case only ends the wait too, with <see cref="CaseChanged"/> set: the
    /// caller asks again without 0x20 rather than take it.
    /// </summary>
    public async ValueTask<SocketResult> ExchangeAsync(ReadOnlyMemory<byte> query, Memory<byte> response, int questionEnd)
    {
        CaseChanged = false;
        var sent = await _operation.SendAsync(_socket, query).ConfigureAwait(false);
        if (!sent.Ok)
        {
            return sent;
        }

        while (true)
        {
            var received = await _operation.ReceiveAsync(_socket, response).ConfigureAwait(false);
            if (!received.Ok || UpstreamExchange.Matches(query.Span, response.Span[..received.Bytes], questionEnd))
            {
                return received;
            }

            if (UpstreamExchange.MatchesButForCase(query.Span, response.Span[..received.Bytes], questionEnd))
            {
                CaseChanged = true;
                return received;
            }
        }
    }

    /// <summary>Closes the socket; a receive that is waiting ends with <see cref="SocketError.OperationAborted"/>.</summary>
    public void Close() => _socket.Dispose();

    /// <summary>Closes the socket and frees its operation, once no exchange is running on it.</summary>
    public void Dispose()
    {
        _socket.Dispose();
        _operation.Dispose();
    }
}
