using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Caching;

/// <summary>
/// What tells cached answers apart: the question (name folded to lower case, type and class, as
/// <see cref="QuestionKey"/> has it) and the DO and CD bits, which change what an upstream answers (RFC 4035 3.2).
/// </summary>
internal static class CacheKey
{
    /// <summary>Longest key: a question of the longest name, its type and class, and the flags.</summary>
    public const int MaxLength = DnsName.MaxWireLength + 4 + 1;

    /// <summary>Writes the key of <paramref name="question"/> into <paramref name="key"/> and returns its length.</summary>
    public static int Write(ReadOnlySpan<byte> question, QueryBits bits, Span<char> key)
    {
        QuestionKey.Fold(question, key);
        key[question.Length] = (char)('0' + (int)bits);
        return question.Length + 1;
    }

    public static string Create(ReadOnlySpan<byte> question, QueryBits bits)
    {
        Span<char> key = stackalloc char[MaxLength];
        return new string(key[..Write(question, bits, key)]);
    }
}
