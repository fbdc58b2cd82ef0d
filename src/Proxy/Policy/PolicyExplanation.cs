namespace Endpoints.Proxy.Policy;

/// <summary>A policy decision and, rule by rule up to the one that made it, why each matched or did not.</summary>
internal sealed record PolicyExplanation(AclDecision Decision, IReadOnlyList<string> Steps)
{
    public string Verdict => $"decision: {(Decision.Allowed ? "allow" : "deny")} by {Decision.Rule} ({Decision.Reason})";

    public override string ToString() => string.Join('\n', Steps.Append(Verdict)) + "\n";
}
