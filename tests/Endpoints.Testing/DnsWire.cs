using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace Endpoints.Testing;

/// <summary>A minimal test client: builds queries by hand and decodes replies with ARSoft.Tools.Net, an independent decoder.</summary>
public static class DnsWire
{
    public static byte[] BuildQuery(string name, ushort type, bool recursionDesired = false, ushort? ednsPayload = 1232, ushort id = 0x1234)
    {
        var labels = name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
        var buffer = new List<byte>();
        buffer.AddRange([(byte)(id >> 8), (byte)id, (byte)(recursionDesired ? 1 : 0), 0, 0, 1, 0, 0, 0, 0, 0, (byte)(ednsPayload is null ? 0 : 1)]);
        foreach (var label in labels)
        {
            buffer.Add((byte)label.Length);
            buffer.AddRange(label.Select(c => (byte)c));
        }

        buffer.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        if (ednsPayload is { } payload)
        {
            buffer.AddRange([0, 0, 41, (byte)(payload >> 8), (byte)payload, 0, 0, 0, 0, 0, 0]);
        }

        return [.. buffer];
    }

    public static async Task<byte[]?> ExchangeUdpAsync(int port, byte[] query, TimeSpan? timeout = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(3));
        var buffer = new byte[65535];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await socket.SendAsync(query, SocketFlags.None);
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            attemptCts.CancelAfter(TimeSpan.FromSeconds(1));
            try
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, attemptCts.Token);
                return buffer[..length];
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    public static async Task<byte[]> ExchangeTcpAsync(int port, byte[] query)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)query.Length);
        await stream.WriteAsync(prefix.Concat(query).ToArray());
        await stream.ReadExactlyAsync(prefix);
        var response = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(response);
        return response;
    }

    public static DnsMessage Parse(byte[] response) => DnsMessage.Parse(new ArraySegment<byte>(response));

    /// <summary>A section as sorted, lowercased presentation lines, for comparing two servers.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<DnsRecordBase> records) =>
        records.Where(r => r.RecordType != RecordType.Opt)
            .Select(r => r.ToString().ToLowerInvariant())
            .Order(StringComparer.Ordinal)
            .ToList();
}
