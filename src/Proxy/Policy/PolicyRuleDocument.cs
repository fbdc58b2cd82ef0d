namespace Endpoints.Proxy.Policy;

public sealed class PolicyRuleDocument
{
    public string? Name { get; set; }

    public string? Action { get; set; }

    public List<string>? Sources { get; set; }

    public List<string>? Destinations { get; set; }

    /// <summary>Omitted means any port.</summary>
    public List<int>? Ports { get; set; }
}
