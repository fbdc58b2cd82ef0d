namespace Endpoints.Proxy.Authentication;

/// <summary>What checking a connection's <c>Proxy-Authorization</c> came to; <see cref="AuthResult"/> carries the reason.</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum AuthOutcome
{
    /// <summary>No <c>Proxy-Authorization</c> header: the policy judges the connection as anonymous.</summary>
    Anonymous,

    Authenticated,

    /// <summary>A Basic credential checked within the cache lifetime: no hash computed.</summary>
    Cached,

    /// <summary>Not <c>SCHEME credentials</c>, or credentials that do not decode.</summary>
    Malformed,

    /// <summary>A scheme this proxy does not offer (or is not configured for).</summary>
    UnknownScheme,

    /// <summary>Credentials over <see cref="ProxyAuthenticator.MaxCredentialsLength"/>.</summary>
    TooLarge,

    /// <summary>Wrong password, unknown account, or a Kerberos token refused (another service, expired, replayed).</summary>
    Failed,

    /// <summary>The source failed too often within a minute; not checked.</summary>
    RateLimited,

    /// <summary>Basic on a plaintext listener without <c>AllowBasicOverPlaintext</c>: refused unchecked, the password already in clear.</summary>
    Plaintext,
}
