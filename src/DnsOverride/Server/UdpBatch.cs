using System.Net.Sockets;
using System.Runtime.InteropServices;
using Endpoints.DnsOverride.Handlers;

namespace Endpoints.DnsOverride.Server;

/// <summary>
/// One receive thread's <c>recvmmsg(2)</c> and <c>sendmmsg(2)</c>: every datagram queued on the socket (up to
/// <see cref="Capacity"/>) is read with one system call, and the answers given inline are sent with one. NSD and Knot
/// DNS answer this way; one call per datagram each way cost us 1.10x NSD's and 1.19x Knot's CPU per answer
/// (bench/README.md). Datagrams pass through native buffers and are copied to and from the query contexts, so the
/// contexts stay ordinary arrays the rest of the server shares. Linux (glibc or musl, 64-bit), as the services are.
/// </summary>
internal sealed unsafe partial class UdpBatch : IDisposable
{
    public const int Capacity = 32;

    private const int NameBytes = 128; // sockaddr_storage
    private const int MsgTrunc = 0x20;
    private const int MsgWaitForOne = 0x10000;
    private const int Eintr = 4;
    private const int Eagain = 11;

    private readonly int _requestBytes;
    private readonly int _responseBytes;
    private readonly MMsgHdr* _received;
    private readonly MMsgHdr* _sending;
    private readonly IoVec* _vectors;
    private readonly byte* _names;
    private readonly byte* _data;
    private int _queued;

    public UdpBatch(int requestBytes, int responseBytes)
    {
        _requestBytes = requestBytes;
        _responseBytes = responseBytes;
        _received = (MMsgHdr*)NativeMemory.AllocZeroed(Capacity * 2, (nuint)sizeof(MMsgHdr));
        _sending = _received + Capacity;
        _vectors = (IoVec*)NativeMemory.AllocZeroed(Capacity * 2, (nuint)sizeof(IoVec));
        _names = (byte*)NativeMemory.AllocZeroed(Capacity * 2, NameBytes);
        _data = (byte*)NativeMemory.AllocZeroed((nuint)(Capacity * (requestBytes + responseBytes)));
        for (var i = 0; i < Capacity; i++)
        {
            _vectors[i].Base = _data + (i * requestBytes);
            _received[i].Header.Iov = &_vectors[i];
            _received[i].Header.IovLength = 1;
            _received[i].Header.Name = _names + (i * NameBytes);

            var send = Capacity + i;
            _vectors[send].Base = _data + (Capacity * requestBytes) + (i * responseBytes);
            _sending[i].Header.Iov = &_vectors[send];
            _sending[i].Header.IovLength = 1;
            _sending[i].Header.Name = _names + (send * NameBytes);
        }
    }

    /// <summary>Blocks until at least one datagram is queued, then reads all there are (up to the capacity).</summary>
    public int Receive(Socket socket)
    {
        for (var i = 0; i < Capacity; i++)
        {
            _vectors[i].Length = (nuint)_requestBytes;
            _received[i].Header.NameLength = NameBytes;
            _received[i].Header.Flags = 0;
        }

        while (true)
        {
            var count = RecvMMsg(socket.SafeHandle, _received, Capacity, MsgWaitForOne, null);
            if (count >= 0)
            {
                return count;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == Eagain)
            {
                // The runtime made the descriptor non-blocking (it does for asynchronous calls): wait for data.
                socket.Poll(-1, SelectMode.SelectRead);
            }
            else if (error != Eintr)
            {
                throw new SocketException(error);
            }
        }
    }

    /// <summary>
    /// Copies datagram <paramref name="index"/> and its sender into <paramref name="context"/>; its length, or -1 when
    /// it did not fit (a query of more than the request size is dropped, as a single receive drops it).
    /// </summary>
    public int CopyTo(int index, QueryContext context)
    {
        ref var message = ref _received[index];
        if ((message.Header.Flags & MsgTrunc) != 0)
        {
            return -1;
        }

        var length = (int)message.Length;
        new ReadOnlySpan<byte>(_vectors[index].Base, length).CopyTo(context.Request);
        var name = new ReadOnlySpan<byte>(message.Header.Name, (int)message.Header.NameLength);
        name.CopyTo(context.UdpRemote.Buffer.Span);
        context.UdpRemote.Size = name.Length;
        return length;
    }

    /// <summary>Queues the context's answer to its client for the next <see cref="Send"/>.</summary>
    public void Queue(QueryContext context)
    {
        ref var message = ref _sending[_queued];
        var vector = message.Header.Iov;
        context.Response.AsSpan(0, context.ResponseLength).CopyTo(new Span<byte>(vector->Base, _responseBytes));
        vector->Length = (nuint)context.ResponseLength;
        var name = context.UdpRemote.Buffer.Span[..context.UdpRemote.Size];
        name.CopyTo(new Span<byte>(message.Header.Name, NameBytes));
        message.Header.NameLength = (uint)name.Length;
        _queued++;
    }

    /// <summary>Sends the queued answers; one a client cannot take is skipped, as a single send would drop it.</summary>
    public void Send(Socket socket)
    {
        var sent = 0;
        while (sent < _queued)
        {
            var count = SendMMsg(socket.SafeHandle, _sending + sent, (uint)(_queued - sent), 0);
            if (count > 0)
            {
                sent += count;
            }
            else if (count == 0 || Marshal.GetLastPInvokeError() != Eintr)
            {
                // The message at the head failed (unreachable client, full buffer, socket closed): UDP is best effort.
                sent++;
            }
        }

        _queued = 0;
    }

    public void Dispose()
    {
        NativeMemory.Free(_received);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_names);
        NativeMemory.Free(_data);
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMMsg(SafeHandle socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int SendMMsg(SafeHandle socket, MMsgHdr* messages, uint count, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
