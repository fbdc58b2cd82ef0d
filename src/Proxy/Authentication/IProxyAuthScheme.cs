using System.Net;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// One <c>Proxy-Authorization</c> scheme the proxy offers (<see cref="ProxyAuthenticator"/> picks it by name): a new
/// scheme is one class of this and its tests.
/// </summary>
internal interface IProxyAuthScheme : IDisposable
{
    AuthScheme Scheme { get; }

    /// <summary>Its <c>Proxy-Authenticate</c> line of a 407, ending in CRLF.</summary>
    string Challenge { get; }

    /// <summary>Whether its credentials may come on a plaintext listener (a Basic password would cross the network in clear).</summary>
    bool AllowedInClear { get; }

    /// <summary>Whether it counts its failures with the <see cref="FailureLimiter"/> itself (Basic does, around its hash).</summary>
    bool CountsOwnFailures { get; }

    /// <summary><paramref name="credentials"/>: one base64 token, the text after the scheme's name.</summary>
    ValueTask<AuthResult> CheckAsync(string credentials, IPAddress source);
}
