namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Reads the first bytes the server sends back after a checked ClientHello, as they pass through the tunnel, far
/// enough to tell a TLS 1.3 HelloRetryRequest (a ServerHello whose random is RFC 8446 4.1.3's fixed value) from
/// anything else. The answer is known before those bytes reach the client, so a second ClientHello, which the client
/// sends only after it has the HelloRetryRequest, always meets the answer.
/// </summary>
internal sealed class ServerHelloWatch
{
    /// <summary>Record header (5), handshake header (4), legacy_version (2), then the 32-byte random.</summary>
    private const int Needed = 5 + 4 + 2 + 32;

    private static ReadOnlySpan<byte> HelloRetryRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    private readonly TaskCompletionSource<bool> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _head;
    private int _count;

    /// <summary>True when the server answered with a HelloRetryRequest; false for anything else, or when it ended first.</summary>
    public Task<bool> IsHelloRetryRequest => _answer.Task;

    public bool Decided => _answer.Task.IsCompleted;

    /// <summary>Bytes from the server, in order, before they are passed to the client.</summary>
    public void Observe(ReadOnlySpan<byte> bytes)
    {
        if (Decided)
        {
            return;
        }

        _head ??= new byte[Needed];
        var n = Math.Min(bytes.Length, Needed - _count);
        bytes[..n].CopyTo(_head.AsSpan(_count));
        _count += n;

        // A handshake record holding a ServerHello whole enough to hold its random; a server that fragments its
        // ServerHello that finely is not one a client reaches through us, and gets no second look.
        var head = _head.AsSpan(0, _count);
        if ((head.Length > 0 && head[0] != 22) || (head.Length > 4 && ((head[3] << 8) | head[4]) < Needed - 5) || (head.Length > 5 && head[5] != 2))
        {
            Decide(false);
        }
        else if (_count == Needed)
        {
            Decide(head[11..].SequenceEqual(HelloRetryRandom));
        }
    }

    /// <summary>The server's direction ended before an answer: nothing more can follow from it.</summary>
    public void Ended() => Decide(false);

    private void Decide(bool helloRetry)
    {
        _head = null;
        _answer.TrySetResult(helloRetry);
    }
}
