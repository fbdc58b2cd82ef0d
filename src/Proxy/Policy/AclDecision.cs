namespace Endpoints.Proxy.Policy;

/// <summary>The outcome of a policy check: allowed or not, which rule decided, and why.</summary>
internal readonly record struct AclDecision(bool Allowed, string Rule, string Reason)
{
    public static AclDecision Deny(string rule, string reason) => new(false, rule, reason);
}
