using System.Buffers;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// The outcome of relaying a query: a response of <see cref="Length"/> bytes in <see cref="Buffer"/>, pooled and
/// given back with <see cref="Release"/>, or why there is none.
/// </summary>
internal readonly record struct ForwardResult(ForwardStatus Status, int Length, byte[]? Buffer = null)
{
    public ReadOnlySpan<byte> Response => Buffer.AsSpan(0, Length);

    public void Release()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
