using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// A bounded stream of A queries from one UDP socket, at most <c>window</c> unanswered at a time: fast enough to put
/// a million names through the server in a test, and gentle enough (a window, a count) for a shared machine.
/// </summary>
internal static class UdpLoad
{
    /// <summary>Asks for <paramref name="names"/> in order; returns how many were answered NOERROR, and how many went unanswered.</summary>
    public static (int Answered, int Lost) Run(int port, IEnumerable<string> names, int window = 64)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        socket.ReceiveBufferSize = 1 << 20;
        var query = new byte[300];
        var response = new byte[4096];
        int answered = 0, lost = 0, outstanding = 0;
        ushort id = 0;
        using var name = names.GetEnumerator();
        var more = name.MoveNext();
        while (more || outstanding > 0)
        {
            while (more && outstanding < window)
            {
                socket.Send(query.AsSpan(0, Build(query, ++id, name.Current)));
                outstanding++;
                more = name.MoveNext();
            }

            if (!socket.Poll(TimeSpan.FromSeconds(2), SelectMode.SelectRead))
            {
                lost += outstanding;
                outstanding = 0;
                continue;
            }

            var length = socket.Receive(response);
            outstanding--;
            if (length >= 12 && (response[3] & 0x0F) == 0)
            {
                answered++;
            }
        }

        return (answered, lost);
    }

    private static int Build(byte[] query, ushort id, string name)
    {
        BinaryPrimitives.WriteUInt16BigEndian(query, id);
        query[2] = 0x01;
        query[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);
        query.AsSpan(6, 6).Clear();
        var offset = 12;
        foreach (var label in name.Split('.'))
        {
            query[offset++] = (byte)label.Length;
            offset += Encoding.ASCII.GetBytes(label, query.AsSpan(offset));
        }

        query[offset++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(offset), 1);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(offset + 2), 1);
        return offset + 4;
    }
}
