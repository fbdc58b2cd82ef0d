using System.Net;
using Endpoints.Proxy.Telemetry;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Checks a connection's <c>Proxy-Authorization</c> with the schemes configured (Negotiate with a keytab, Basic
/// with a users file), applies the per-source failure limit, counts every check in <c>proxy.auth</c>, and holds
/// the <c>Proxy-Authenticate</c> challenges a 407 carries.
/// </summary>
internal sealed class ProxyAuthenticator : IDisposable
{
    /// <summary>Kerberos tickets with a large PAC (many groups) run to tens of KiB; Squid's head limit is 64 KiB too.</summary>
    public const int MaxCredentialsLength = 64 * 1024;

    private readonly IReadOnlyList<IProxyAuthScheme> _schemes;
    private readonly FailureLimiter _failures;
    private readonly ProxyMetrics _metrics;
    private readonly string _secureChallenges;
    private readonly string _plaintextChallenges;

    /// <summary><paramref name="schemes"/>: those configured, in the order a 407 offers them.</summary>
    public ProxyAuthenticator(IReadOnlyList<IProxyAuthScheme> schemes, FailureLimiter failures, ProxyMetrics metrics)
    {
        _schemes = schemes;
        _failures = failures;
        _metrics = metrics;
        _secureChallenges = string.Concat(schemes.Select(s => s.Challenge));
        _plaintextChallenges = string.Concat(schemes.Where(s => s.AllowedInClear).Select(s => s.Challenge));
    }

    /// <summary>Whether any scheme is offered on a listener (<paramref name="secure"/>: TLS to the proxy): without one, a 407 could never be answered.</summary>
    public bool Offers(bool secure) => Challenges(secure).Length > 0;

    /// <summary>The <c>Proxy-Authenticate</c> lines of a 407, each ending in CRLF: a scheme only where it may be used.</summary>
    public string Challenges(bool secure) => secure ? _secureChallenges : _plaintextChallenges;

    /// <summary>
    /// <paramref name="header"/>: the <c>Proxy-Authorization</c> value, null when the client sent none;
    /// <paramref name="secure"/>: whether it came inside TLS to the proxy.
    /// </summary>
    public async ValueTask<AuthResult> AuthenticateAsync(string? header, IPAddress source, bool secure)
    {
        if (header is null)
        {
            return AuthResult.Anonymous;
        }

        // Basic counts its failures itself, around the hash (reserve, then confirm); a Kerberos check is quick and counted after.
        var (result, counted) = await CheckAsync(header, source, secure).ConfigureAwait(false);
        if (result.Outcome == AuthOutcome.Failed && !counted && _failures.Failed(source))
        {
            result = result with { Reason = $"{result.Reason}; {FailureLimiter.MaxFailures} failures within a minute: {source} is refused for a minute" };
        }

        _metrics.Auth(SchemeName(result.Scheme), OutcomeName(result.Outcome));
        return result;
    }

    /// <summary>The result, and whether its scheme counted a failure itself.</summary>
    private async ValueTask<(AuthResult Result, bool Counted)> CheckAsync(string header, IPAddress source, bool secure)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var schemeName = space < 0 ? header : header[..space];
        var credentials = space < 0 ? string.Empty : header[(space + 1)..].Trim(' ');
        var scheme = Find(schemeName);
        if (scheme is null)
        {
            return (new AuthResult(AuthOutcome.UnknownScheme, AuthScheme.None, null, $"scheme '{Printable(schemeName)}' is not offered"), false);
        }

        if (!secure && !scheme.AllowedInClear)
        {
            return (new AuthResult(AuthOutcome.Plaintext, scheme.Scheme, null,
                $"{scheme.Scheme} over a plaintext listener is refused (the password crosses the network in clear): use the TLS listener (--connect-tls, HTTPS_PROXY=https://...) or Negotiate"), false);
        }

        if (credentials.Length > MaxCredentialsLength)
        {
            return (new AuthResult(AuthOutcome.TooLarge, scheme.Scheme, null, $"{schemeName} credentials of {credentials.Length} bytes (at most {MaxCredentialsLength})"), false);
        }

        if (credentials.Length == 0 || credentials.Contains(' ', StringComparison.Ordinal))
        {
            return (new AuthResult(AuthOutcome.Malformed, scheme.Scheme, null, $"{schemeName}: expected one base64 token"), false);
        }

        if (_failures.IsBlocked(source))
        {
            return (new AuthResult(AuthOutcome.RateLimited, scheme.Scheme, null, $"{source} failed {FailureLimiter.MaxFailures} times within a minute; not checked"), false);
        }

        return (await scheme.CheckAsync(credentials, source).ConfigureAwait(false), scheme.CountsOwnFailures);
    }

    private IProxyAuthScheme? Find(string name)
    {
        foreach (var scheme in _schemes)
        {
            if (name.Equals(scheme.Scheme.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return scheme;
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var scheme in _schemes)
        {
            scheme.Dispose();
        }
    }

    private static string Printable(string text) => text.Length > 32 || text.Any(c => c is < ' ' or > '~') ? "(unprintable or long)" : text;

    private static string SchemeName(AuthScheme scheme) => scheme switch
    {
        AuthScheme.Negotiate => "negotiate",
        AuthScheme.Basic => "basic",
        _ => "other",
    };

    private static string OutcomeName(AuthOutcome outcome) => outcome switch
    {
        AuthOutcome.Authenticated => "success",
        AuthOutcome.Cached => "cached",
        AuthOutcome.Malformed => "malformed",
        AuthOutcome.UnknownScheme => "unknown-scheme",
        AuthOutcome.TooLarge => "too-large",
        AuthOutcome.RateLimited => "rate-limited",
        AuthOutcome.Plaintext => "plaintext",
        AuthOutcome.Failed => "failed",
        _ => "anonymous",
    };
}
