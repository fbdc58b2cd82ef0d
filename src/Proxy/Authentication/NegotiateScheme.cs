using System.Net;

namespace Endpoints.Proxy.Authentication;

/// <summary><c>Negotiate</c> (Kerberos through SPNEGO, RFC 4559): the token decoded and accepted by <see cref="GssAcceptor"/>.</summary>
internal sealed class NegotiateScheme(GssAcceptor acceptor) : IProxyAuthScheme
{
    public AuthScheme Scheme => AuthScheme.Negotiate;

    public string Challenge => "Proxy-Authenticate: Negotiate\r\n";

    /// <summary>A ticket is bound to its service and time, and the replay cache refuses a second use.</summary>
    public bool AllowedInClear => true;

    public bool CountsOwnFailures => false;

    public ValueTask<AuthResult> CheckAsync(string credentials, IPAddress source)
    {
        var token = new byte[credentials.Length * 3 / 4];
        return ValueTask.FromResult(Convert.TryFromBase64String(credentials, token, out var length)
            ? acceptor.Accept(token, length)
            : new AuthResult(AuthOutcome.Malformed, AuthScheme.Negotiate, null, "Negotiate: the token is not base64"));
    }

    /// <summary>The acceptor is the container's to dispose: the keytab watcher holds it too.</summary>
    public void Dispose()
    {
    }
}
