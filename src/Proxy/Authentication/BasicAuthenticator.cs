using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// <c>Basic</c> for service accounts, checked against <see cref="UsersStore"/>'s slow hashes. A success is remembered
/// for <see cref="CacheLifetime"/> under a keyed hash of the credentials (never the password itself), so a busy
/// client pays PBKDF2 once; failures are never remembered. Hashing runs on the thread pool, a core's worth at a time.
/// Connections that present the same credentials while their hash runs wait for that one hash; a hash of new
/// credentials takes a slot of the source's <see cref="FailureLimiter"/> first, so a burst of guesses cannot run more
/// hashes than the limiter allows, nor hold the hashing threads.
/// </summary>
internal sealed class BasicAuthenticator : IProxyAuthScheme
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Past this many, expired entries are swept; then, if still full, the cache starts again.</summary>
    private const int CacheLimit = 10_000;

    /// <summary>Checked for an unknown account, so its answer takes as long as a known one's.</summary>
    private static readonly PasswordHash Decoy = Decode("$pbkdf2-sha256$600000$ZW5kcG9pbnRzLWRlY295$5RWo4bGyX2dlctCbHpaGNo0fXLEL4fDGhJh3t5OMqcE");

    private readonly UsersStore _users;
    private readonly TimeProvider _time;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<UInt128, CachedUser> _cache = new();
    private readonly ConcurrentDictionary<UInt128, Task<AuthResult>> _hashing = new();
    private readonly SemaphoreSlim _threads = new(Environment.ProcessorCount);
    private readonly FailureLimiter _failures;

    /// <summary><paramref name="allowedInClear"/>: the operator's <c>AllowBasicOverPlaintext</c>.</summary>
    public BasicAuthenticator(UsersStore users, TimeProvider time, FailureLimiter failures, string realm, bool allowedInClear)
    {
        _users = users;
        _time = time;
        _failures = failures;
        Challenge = $"Proxy-Authenticate: Basic realm=\"{realm}\", charset=\"UTF-8\"\r\n";
        AllowedInClear = allowedInClear;
    }

    public AuthScheme Scheme => AuthScheme.Basic;

    public string Challenge { get; }

    public bool AllowedInClear { get; }

    public bool CountsOwnFailures => true;

    /// <summary><paramref name="credentials"/>: the base64 text after <c>Basic</c>; <paramref name="source"/>: the client address the limiter counts.</summary>
    public async ValueTask<AuthResult> CheckAsync(string credentials, IPAddress source)
    {
        var users = _users.Current;
        var key = CacheKey(credentials);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now && ReferenceEquals(cached.Users, users))
        {
            return new AuthResult(AuthOutcome.Cached, AuthScheme.Basic, cached.Name, "Basic (cached)");
        }

        var mine = new TaskCompletionSource<AuthResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _hashing.GetOrAdd(key, mine.Task);
        if (running != mine.Task)
        {
            return await running.ConfigureAwait(false);
        }

        try
        {
            var result = await HashOnceAsync(credentials, source, key, users, now).ConfigureAwait(false);
            mine.SetResult(result);
            return result;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            _hashing.TryRemove(new KeyValuePair<UInt128, Task<AuthResult>>(key, mine.Task));
        }
    }

    private async Task<AuthResult> HashOnceAsync(string credentials, IPAddress source, UInt128 key, IReadOnlyDictionary<string, PasswordHash> users, DateTimeOffset now)
    {
        if (!TryDecode(credentials, out var name, out var password))
        {
            return new AuthResult(AuthOutcome.Malformed, AuthScheme.Basic, null, "Basic: credentials are not base64 of NAME:PASSWORD");
        }

        switch (_failures.TryReserve(source))
        {
            case FailureLimiter.Admission.Blocked:
                CryptographicOperations.ZeroMemory(password);
                return new AuthResult(AuthOutcome.RateLimited, AuthScheme.Basic, null,
                    $"{source} has {FailureLimiter.MaxFailures} failures within a minute, counting checks in flight; not checked");
            case FailureLimiter.Admission.Busy:
                CryptographicOperations.ZeroMemory(password);
                return new AuthResult(AuthOutcome.RateLimited, AuthScheme.Basic, null,
                    $"{source} already has {FailureLimiter.MaxInFlight} password checks in flight; not checked");
        }

        var known = users.TryGetValue(name, out var hash);
        var verified = false;
        var blocked = false;
        try
        {
            await _threads.WaitAsync().ConfigureAwait(false);
            try
            {
                verified = await Task.Run(() => (hash ?? Decoy).Verify(password)).ConfigureAwait(false);
            }
            finally
            {
                _threads.Release();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
            blocked = _failures.Complete(source, failed: !known || !verified);
        }

        if (!known || !verified)
        {
            var reason = known ? $"Basic: wrong password for '{name}'" : $"Basic: no account '{name}'";
            return new AuthResult(AuthOutcome.Failed, AuthScheme.Basic, null,
                blocked ? $"{reason}; {FailureLimiter.MaxFailures} failures within a minute: {source} is refused for a minute" : reason);
        }

        if (_cache.Count >= CacheLimit)
        {
            Sweep(now);
        }

        _cache[key] = new CachedUser(name, now + CacheLifetime, users);
        return new AuthResult(AuthOutcome.Authenticated, AuthScheme.Basic, name, "Basic");
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _cache)
        {
            if (entry.Expires <= now)
            {
                _cache.TryRemove(key, out _);
            }
        }

        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }
    }

    private UInt128 CacheKey(string credentials)
    {
        var length = Encoding.UTF8.GetByteCount(credentials);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encoding.UTF8.GetBytes(credentials, rented);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_cacheKey, rented.AsSpan(0, length), mac);
            return new UInt128(BitConverter.ToUInt64(mac), BitConverter.ToUInt64(mac[8..]));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryDecode(string credentials, out string name, out byte[] password)
    {
        name = string.Empty;
        password = [];
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(credentials.Length)];
        if (Convert.TryFromBase64String(credentials, decoded, out var length))
        {
            var colon = decoded.AsSpan(0, length).IndexOf((byte)':');
            if (colon > 0)
            {
                name = Encoding.UTF8.GetString(decoded, 0, colon);
                password = decoded[(colon + 1)..length];
                CryptographicOperations.ZeroMemory(decoded);
                return true;
            }
        }

        CryptographicOperations.ZeroMemory(decoded);
        return false;
    }

    public void Dispose() => _threads.Dispose();

    private static PasswordHash Decode(string text) =>
        PasswordHash.TryParse(text, out var hash, out var error) ? hash! : throw new InvalidOperationException(error);

    private sealed record CachedUser(string Name, DateTimeOffset Expires, IReadOnlyDictionary<string, PasswordHash> Users);
}
