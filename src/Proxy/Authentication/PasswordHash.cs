using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// A salted PBKDF2-SHA256 password hash in the modular crypt form <c>$pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (salt
/// and hash in base64 without padding). Fewer than <see cref="MinIterations"/> iterations (OWASP's figure for
/// PBKDF2-SHA256) is refused: a stolen file must cost an attacker that much per guess.
/// </summary>
internal sealed class PasswordHash
{
    public const int MinIterations = 600_000;
    public const string Prefix = "$pbkdf2-sha256$";
    private const int SaltLength = 16;
    private const int HashLength = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    /// <summary>A new hash of <paramref name="password"/> with a random salt, as the users file holds it.</summary>
    public static string Create(string password, int iterations = MinIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashLength);
        return $"{Prefix}{iterations.ToString(CultureInfo.InvariantCulture)}${Base64(salt)}${Base64(hash)}";
    }

    public static bool TryParse(string text, out PasswordHash? hash, out string error)
    {
        hash = null;
        error = string.Empty;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = "not a $pbkdf2-sha256$ hash (plaintext is never accepted; make one with the hash-password command)";
            return false;
        }

        var parts = text[Prefix.Length..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            error = "expected $pbkdf2-sha256$ITERATIONS$SALT$HASH";
            return false;
        }

        if (iterations < MinIterations)
        {
            error = $"{iterations} iterations is too few (at least {MinIterations})";
            return false;
        }

        var salt = FromBase64(parts[1]);
        var digest = FromBase64(parts[2]);
        if (salt is null || salt.Length < 8 || digest is null || digest.Length != HashLength)
        {
            error = $"the salt must be 8 bytes or more and the hash {HashLength} bytes, in base64";
            return false;
        }

        hash = new PasswordHash(iterations, salt, digest);
        return true;
    }

    /// <summary>Costs the full iteration count whatever the answer.</summary>
    public bool Verify(ReadOnlySpan<byte> passwordUtf8)
    {
        Span<byte> derived = stackalloc byte[HashLength];
        Rfc2898DeriveBytes.Pbkdf2(passwordUtf8, _salt, derived, Iterations, HashAlgorithmName.SHA256);
        return CryptographicOperations.FixedTimeEquals(derived, _hash);
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromBase64(string text)
    {
        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
