using System.Buffers.Binary;

namespace Endpoints.DnsOverride.Protocol;

/// <summary>
/// Appends to a response buffer up to a size limit. Writes past the limit set <see cref="Overflowed"/>
/// instead of throwing, so the caller can fall back to a truncated (TC) reply.
/// </summary>
internal ref struct MessageWriter
{
    private readonly Span<byte> _buffer;
    private int _limit;

    public MessageWriter(Span<byte> buffer, int limit)
    {
        _buffer = buffer;
        _limit = Math.Min(limit, buffer.Length);
        Position = 0;
        Overflowed = false;
    }

    /// <summary>Continues after <paramref name="position"/> bytes already in <paramref name="buffer"/>.</summary>
    public MessageWriter(Span<byte> buffer, int limit, int position)
        : this(buffer, limit)
    {
        Position = position;
    }

    public int Position { get; private set; }

    public int Limit
    {
        readonly get => _limit;
        set => _limit = Math.Min(value, _buffer.Length);
    }

    public bool Overflowed { get; private set; }

    public void WriteUInt16(ushort value)
    {
        if (Reserve(2))
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
            Position += 2;
        }
    }

    public void WriteUInt32(uint value)
    {
        if (Reserve(4))
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
            Position += 4;
        }
    }

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        if (Reserve(bytes.Length))
        {
            bytes.CopyTo(_buffer[Position..]);
            Position += bytes.Length;
        }
    }

    /// <summary>Writes a name held in key form, uncompressed.</summary>
    public void WriteNameKey(scoped ReadOnlySpan<char> key)
    {
        if (Reserve(key.Length + 1))
        {
            var span = _buffer[Position..];
            for (var i = 0; i < key.Length; i++)
            {
                span[i] = (byte)key[i];
            }

            span[key.Length] = 0;
            Position += key.Length + 1;
        }
    }

    public void WritePointer(int offset) => WriteUInt16((ushort)(0xC000 | offset));

    public void PatchUInt16(int offset, ushort value)
    {
        if (!Overflowed)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[offset..], value);
        }
    }

    public readonly ushort ReadUInt16(int offset) => BinaryPrimitives.ReadUInt16BigEndian(_buffer[offset..]);

    /// <summary>Forgets everything after <paramref name="position"/> and clears the overflow.</summary>
    public void Rewind(int position)
    {
        Position = position;
        Overflowed = false;
    }

    private bool Reserve(int count)
    {
        if (Overflowed || Position + count > _limit)
        {
            Overflowed = true;
            return false;
        }

        return true;
    }
}
