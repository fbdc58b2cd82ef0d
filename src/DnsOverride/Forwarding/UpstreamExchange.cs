using System.Buffers.Binary;
using System.Net.Sockets;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// A TCP exchange with an upstream after a truncated UDP answer, on its own connection; and the check that a
/// response answers this very query, for both transports.
/// </summary>
internal static class UpstreamExchange
{
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

    /// <summary>A response to this query but for the case of its question name: an upstream that does not echo 0x20.</summary>
    public static bool MatchesButForCase(ReadOnlySpan<byte> query, ReadOnlySpan<byte> response, int questionEnd)
    {
        if (questionEnd < 0 || response.Length < questionEnd || !response[..2].SequenceEqual(query[..2]) || (response[2] & 0x80) == 0 ||
            !response[4..6].SequenceEqual(query[4..6]))
        {
            return false;
        }

        for (var i = DnsFlags.HeaderLength; i < questionEnd; i++)
        {
            if ((response[i] | 0x20) != (query[i] | 0x20) || (response[i] != query[i] && !char.IsAsciiLetter((char)query[i])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Accept only a response to this query: same ID, QR set, and the same question (RFC 5452 9.1).</summary>
    public static bool Matches(ReadOnlySpan<byte> query, ReadOnlySpan<byte> response, int questionEnd) =>
        response.Length >= DnsFlags.HeaderLength &&
        response[..2].SequenceEqual(query[..2]) &&
        (response[2] & 0x80) != 0 &&
        (questionEnd < 0 || (response.Length >= questionEnd && response[4..6].SequenceEqual(query[4..6]) &&
            response[DnsFlags.HeaderLength..questionEnd].SequenceEqual(query[DnsFlags.HeaderLength..questionEnd])));
}
