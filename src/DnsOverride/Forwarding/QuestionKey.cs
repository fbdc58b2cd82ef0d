namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// A question (name, type and class as on the wire) as the forwarder tells questions apart: case-insensitive on the
/// name (RFC 4343), so 0x20 variants are one question, and exact on type and class.
/// </summary>
internal static class QuestionKey
{
    /// <summary>One char per byte, ASCII letters of the name lowered; type and class, the last four bytes, as they are.</summary>
    public static void Fold(ReadOnlySpan<byte> question, Span<char> key)
    {
        var nameEnd = question.Length - 4;
        for (var i = 0; i < question.Length; i++)
        {
            var b = question[i];
            key[i] = (char)(i < nameEnd && b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }
    }

    /// <summary>A hash of the folded question, for telling timed-out questions apart in upstream health.</summary>
    public static int Hash(ReadOnlySpan<byte> question)
    {
        Span<char> key = stackalloc char[Math.Min(question.Length, 512)];
        Fold(question[..key.Length], key);
        return string.GetHashCode(key);
    }
}
