namespace Endpoints.Proxy.Policy;

/// <summary>
/// The outcome of a policy check: allowed or not, which rule decided, and why. <see cref="AuthenticationCouldAllow"/>:
/// denied as anonymous, but a rule with <c>users</c> would allow the connection once its user is known (407, not 403).
/// </summary>
internal readonly record struct AclDecision(bool Allowed, string Rule, string Reason, bool AuthenticationCouldAllow = false)
{
    public static AclDecision Deny(string rule, string reason) => new(false, rule, reason);
}
