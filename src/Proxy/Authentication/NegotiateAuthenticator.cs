using System.Net.Security;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Kerberos through SPNEGO (<c>Negotiate</c>, RFC 4559) with .NET's GSSAPI binding in server mode: the service key
/// comes from the keytab (<see cref="Keytab"/>), and GSSAPI refuses tickets for another service, expired tickets and
/// replays (the replay cache). One round only: a token that needs another (NTLM) is refused, as the connection
/// closes after every 407.
/// </summary>
internal static class NegotiateAuthenticator
{
    private static readonly NegotiateAuthenticationServerOptions ServerOptions = new() { Package = "Negotiate" };

    /// <summary>Blocks on GSSAPI (decryption, the replay cache file): call it off the socket threads.</summary>
    public static AuthResult Accept(byte[] token)
    {
        using var server = new NegotiateAuthentication(ServerOptions);
        var reply = server.GetOutgoingBlob(token, out var status);

        // IsAuthenticated is not reliable after a failure on Unix: only Completed counts.
        return status switch
        {
            NegotiateAuthenticationStatusCode.Completed =>
                new AuthResult(AuthOutcome.Authenticated, AuthScheme.Negotiate, server.RemoteIdentity.Name, $"Negotiate ({server.Package})", reply),
            NegotiateAuthenticationStatusCode.ContinueNeeded =>
                new AuthResult(AuthOutcome.Failed, AuthScheme.Negotiate, null, "Negotiate: the token needs another round (NTLM?); only Kerberos is accepted"),
            _ => new AuthResult(AuthOutcome.Failed, AuthScheme.Negotiate, null,
                $"Negotiate: {status} (a ticket for another service, expired, replayed or not Kerberos)"),
        };
    }
}
