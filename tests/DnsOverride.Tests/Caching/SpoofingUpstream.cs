using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// An upstream with an attacker beside it: for every query, forged answers arrive first: from another port, with
/// another question, with another ID; each carries a 198.51.100.x address. Only names whose first label starts
/// with "good" then get the real answer (192.0.2.1, TTL 300) from the right port.
/// </summary>
internal sealed class SpoofingUpstream : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _attacker = new(new IPEndPoint(IPAddress.Loopback, 0));

    public SpoofingUpstream()
    {
        EndPoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _ = AnswerAsync();
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose()
    {
        _socket.Dispose();
        _attacker.Dispose();
    }

    private static byte[] Response(ReadOnlySpan<byte> query, int questionEnd, byte lastOctet, ushort? id = null, bool otherQuestion = false)
    {
        var response = new List<byte>(query[..questionEnd].ToArray());
        response[2] |= 0x80;
        response[3] = 0x80;
        response[7] = 1;
        response[11] = 0;
        if (otherQuestion)
        {
            response[13] = (byte)'x'; // first letter of the first label: another name, same length
        }

        if (id is { } forged)
        {
            response[0] = (byte)(forged >> 8);
            response[1] = (byte)forged;
        }

        response.AddRange([0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, lastOctet == 1 ? (byte)192 : (byte)198, lastOctet == 1 ? (byte)0 : (byte)51, lastOctet == 1 ? (byte)2 : (byte)100, lastOctet]);
        return [.. response];
    }

    private async Task AnswerAsync()
    {
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync();
                var query = received.Buffer;
                var questionEnd = Endpoints.DnsOverride.Protocol.MessageReader.SkipQuestion(query);
                var id = BinaryPrimitives.ReadUInt16BigEndian(query);
                await _attacker.SendAsync(Response(query, questionEnd, 66), received.RemoteEndPoint);
                await _socket.SendAsync(Response(query, questionEnd, 67, otherQuestion: true), received.RemoteEndPoint);
                await _socket.SendAsync(Response(query, questionEnd, 68, id: (ushort)(id ^ 0x5a5a)), received.RemoteEndPoint);
                if (System.Text.Encoding.ASCII.GetString(query, 13, query[12]).StartsWith("good", StringComparison.OrdinalIgnoreCase))
                {
                    await _socket.SendAsync(Response(query, questionEnd, 1), received.RemoteEndPoint);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }
}
