using System.Net;
using System.Net.Sockets;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// An upstream the test switches on and off: on, it answers every query (with <c>rcode</c>, no records) after
/// <c>delay</c>, but never those whose first label starts with <c>silentPrefix</c> (a name whose own servers are
/// dead); off, its port is closed and queries are refused by the kernel, so failures need no waiting on timeouts.
/// With <c>twice</c>, every answer is sent two times, as a duplicating network would. With <c>address</c>, an A query
/// gets that address as its answer (a stand-in for the public DNS that knows every name).
/// </summary>
internal sealed class LoopbackResponder : IDisposable
{
    private readonly TimeSpan _delay;
    private readonly bool _twice;
    private readonly byte _rcode;
    private readonly string? _silentPrefix;
    private readonly IPAddress? _address;
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _sourcePorts = new();
    private UdpClient? _socket;
    private int _received;

    public LoopbackResponder(TimeSpan delay = default, byte rcode = 0, string? silentPrefix = null, bool twice = false, IPAddress? address = null)
    {
        _address = address;
        _twice = twice;
        _delay = delay;
        _rcode = rcode;
        _silentPrefix = silentPrefix;
        _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _ = AnswerAsync(_socket);
    }

    public IPEndPoint EndPoint { get; }

    public int Received => Volatile.Read(ref _received);

    /// <summary>The source port of each query received, in order.</summary>
    public IReadOnlyCollection<int> SourcePorts => _sourcePorts;

    public void GoDark()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void ComeBack()
    {
        _socket = new UdpClient(EndPoint);
        _ = AnswerAsync(_socket);
    }

    public void Dispose() => _socket?.Dispose();

    /// <summary>The query's header and question, and for type A one answer record pointing at the question's name.</summary>
    private static byte[] WithAnswer(byte[] query, IPAddress address)
    {
        var end = 12;
        while (query[end] != 0)
        {
            end += query[end] + 1;
        }

        end += 5;
        var isA = query[end - 4] == 0 && query[end - 3] == 1;
        var response = new List<byte>(query[..end]);
        response[6] = 0;
        response[7] = (byte)(isA ? 1 : 0);
        response[8] = response[9] = response[10] = response[11] = 0;
        if (isA)
        {
            response.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
            response.AddRange(address.GetAddressBytes());
        }

        return [.. response];
    }

    private async Task ReplyAsync(UdpClient socket, byte[] response, IPEndPoint client)
    {
        try
        {
            if (_delay > TimeSpan.Zero)
            {
                await Task.Delay(_delay);
            }

            await socket.SendAsync(response, client);
            if (_twice)
            {
                await socket.SendAsync(response, client);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Switched off meanwhile.
        }
    }

    private async Task AnswerAsync(UdpClient socket)
    {
        try
        {
            while (true)
            {
                var query = await socket.ReceiveAsync();
                _sourcePorts.Enqueue(query.RemoteEndPoint.Port);
                Interlocked.Increment(ref _received);
                if (_silentPrefix is not null && query.Buffer.Length > 13 && System.Text.Encoding.ASCII.GetString(query.Buffer, 13, query.Buffer[12]).StartsWith(_silentPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var response = _address is null ? query.Buffer.ToArray() : WithAnswer(query.Buffer, _address);
                response[2] |= 0x80;
                response[3] = (byte)(0x80 | _rcode);
                _ = ReplyAsync(socket, response, query.RemoteEndPoint);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Switched off.
        }
    }
}
