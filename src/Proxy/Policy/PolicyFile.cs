namespace Endpoints.Proxy.Policy;

/// <summary>The JSON policy file as written by people: <c>{ "rules": [ ... ] }</c>.</summary>
public sealed class PolicyFile
{
    public List<PolicyRuleDocument> Rules { get; set; } = [];
}
