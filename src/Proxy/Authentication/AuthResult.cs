namespace Endpoints.Proxy.Authentication;

/// <summary>
/// The outcome of one check: who (when authenticated), which scheme, why (for the log; never the secret), and the
/// server's Negotiate token for the client, if any.
/// </summary>
internal readonly record struct AuthResult(AuthOutcome Outcome, AuthScheme Scheme, string? User, string Reason, byte[]? ServerToken = null)
{
    public static readonly AuthResult Anonymous = new(AuthOutcome.Anonymous, AuthScheme.None, null, "no credentials");

    public bool Succeeded => Outcome is AuthOutcome.Authenticated or AuthOutcome.Cached;
}
