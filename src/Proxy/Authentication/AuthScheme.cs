namespace Endpoints.Proxy.Authentication;

/// <summary>The <c>Proxy-Authorization</c> schemes the proxy takes; <see cref="None"/> for anonymous connections and unknown schemes.</summary>
internal enum AuthScheme
{
    None,
    Negotiate,
    Basic,
}
