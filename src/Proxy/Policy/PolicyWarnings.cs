namespace Endpoints.Proxy.Policy;

/// <summary>
/// Rules with <c>users</c> that can never match as deployed: only CONNECT and Host-mode clients send credentials,
/// never TLS (SNI) clients, and only when a scheme is configured. Not errors: the policy file may be shared by
/// proxies with other listeners. <c>check</c> prints them and every load logs them.
/// </summary>
internal static class PolicyWarnings
{
    public static IEnumerable<string> Of(AccessPolicy policy, bool connect, bool http, bool authentication)
    {
        foreach (var rule in policy.Rules.Where(r => r.Users is not null))
        {
            // A CONNECT client may name any port; Host-mode clients come to port 80 (the TLS listener's is 443).
            bool Identified(int port) => connect || (http && port != 443);
            if (rule.Ports is null ? !(connect || http) : rule.Ports.All(p => !Identified(p)))
            {
                var ports = rule.Ports is null ? "any port" : $"port {string.Join(", ", rule.Ports.Order())}";
                yield return $"rule '{rule.Name}' names users, but {ports} is served only by the TLS listener, whose clients cannot " +
                    "authenticate: it never matches (add a CONNECT listener, or drop users)";
            }
            else if (!authentication)
            {
                yield return $"rule '{rule.Name}' names users, but neither --keytab (or KRB5_KTNAME) nor --users is set: no client can authenticate, so it never matches";
            }
        }
    }
}
