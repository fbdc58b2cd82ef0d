using System.Security.Cryptography;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>The case of the question name in our upstream queries: random (0x20, an answer must echo it) or lowercase.</summary>
internal static class QueryCase
{
    /// <summary>The question name's letters in random case, or all lowercase.</summary>
    public static void Set(Span<byte> message, bool random)
    {
        if (message.Length <= DnsFlags.HeaderLength + 4)
        {
            return;
        }

        var name = message[DnsFlags.HeaderLength..^4];
        Span<byte> bits = stackalloc byte[DnsName.MaxWireLength];
        if (random)
        {
            RandomNumberGenerator.Fill(bits[..name.Length]);
        }
        else
        {
            bits.Clear();
        }

        // Label length bytes are below 64, never letters; only ASCII letters change.
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsAsciiLetter((char)name[i]))
            {
                name[i] = (bits[i] & 1) != 0 ? (byte)(name[i] & ~0x20) : (byte)(name[i] | 0x20);
            }
        }
    }
}
