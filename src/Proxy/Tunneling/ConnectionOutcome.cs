namespace Endpoints.Proxy.Tunneling;

/// <summary>How a connection ended; <see cref="Refusal.Of(ConnectionOutcome)"/> maps each to its log words, wire answer and metric.</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum ConnectionOutcome
{
    Relayed,
    HandshakeTimeout,
    ClientClosed,
    ClientReset,
    BadProxyHeader,
    UntrustedProxyHeader,
    MethodNotAllowed,
    BadRequest,
    HeadTooLarge,
    NoServerName,
    NotTls,
    BadClientHello,
    PolicyDenied,
    GuardDenied,
    ResolveFailed,
    ConnectFailed,
    ConnectTimeout,
    ResetBeforeRelay,
    SniMismatch,
    SniInvalid,
    TunnelNotTls,
    Overloaded,
    SourceLimited,
    AuthenticationRequired,
    AuthenticationFailed,
    AuthenticationRateLimited,
    Unexpected,
}
