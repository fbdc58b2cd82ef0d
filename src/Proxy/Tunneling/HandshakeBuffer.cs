using System.Buffers;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Bytes read from the client before the tunnel opens (PROXY header, request head, ClientHello). Rented from the
/// pool and grown on demand up to a limit; returned as soon as the tunnel starts.
/// </summary>
internal sealed class HandshakeBuffer : IDisposable
{
    private const int InitialSize = 4096;
    private readonly int _limit;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;

    public HandshakeBuffer(int limit) => _limit = limit;

    public int Count { get; private set; }

    public bool IsFull => Count >= _limit;

    /// <summary>The bytes not consumed yet.</summary>
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_start, Count);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(_start, Count);

    public void Consume(int count)
    {
        _start += count;
        Count -= count;
    }

    /// <summary>Starts the buffer with bytes read elsewhere (at most the limit).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _start - Count)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(_buffer.Length * 2, Count + bytes.Length), _limit));
            Data.CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
            _start = 0;
        }

        var n = Math.Min(bytes.Length, _buffer.Length - _start - Count);
        bytes[..n].CopyTo(_buffer.AsSpan(_start + Count));
        Count += n;
    }

    /// <summary>Where the next read goes: the data moved to the front, the buffer grown when full (up to the limit).</summary>
    public Memory<byte> FreeSpace()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, Count).CopyTo(_buffer);
            _start = 0;
        }

        if (Count == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _limit));
            _buffer.AsSpan(0, Count).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(Count, Math.Min(_buffer.Length, _limit) - Count);
    }

    /// <summary>Counts what a read into <see cref="FreeSpace"/> brought.</summary>
    public void Commit(SocketResult result)
    {
        if (result.Ok)
        {
            Count += result.Bytes;
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
