using System.Buffers.Binary;
using System.Net.Sockets;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// One exchange with an upstream, each from its own socket (a random source port, as RFC 5452 asks): over UDP,
/// or over TCP after a truncated answer. Only a response to this very query is taken.
/// </summary>
internal static class UpstreamExchange
{
    public static async Task<int> UdpAsync(Upstream upstream, ReadOnlyMemory<byte> query, Memory<byte> response, int questionEnd, CancellationToken cancellationToken)
    {
        using var socket = new Socket(upstream.EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(upstream.EndPoint, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var length = await socket.ReceiveAsync(response, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (Matches(query.Span, response.Span[..length], questionEnd))
            {
                return length;
            }
        }
    }

    public static async Task<int> TcpAsync(Upstream upstream, ReadOnlyMemory<byte> query, Memory<byte> response, int questionEnd, CancellationToken cancellationToken)
    {
        using var socket = new Socket(upstream.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(upstream.EndPoint, cancellationToken).ConfigureAwait(false);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)query.Length);
        await socket.SendAsync(prefix, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        await ReceiveExactlyAsync(socket, prefix, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        await ReceiveExactlyAsync(socket, response[..length], cancellationToken).ConfigureAwait(false);
        return Matches(query.Span, response.Span[..length], questionEnd) ? length : 0;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            read += n;
        }
    }

    /// <summary>Accept only a response to this query: same ID, QR set, and the same question (RFC 5452 9.1).</summary>
    private static bool Matches(ReadOnlySpan<byte> query, ReadOnlySpan<byte> response, int questionEnd) =>
        response.Length >= DnsFlags.HeaderLength &&
        response[..2].SequenceEqual(query[..2]) &&
        (response[2] & 0x80) != 0 &&
        (questionEnd < 0 || (response.Length >= questionEnd && response[4..6].SequenceEqual(query[4..6]) &&
            response[DnsFlags.HeaderLength..questionEnd].SequenceEqual(query[DnsFlags.HeaderLength..questionEnd])));
}
