namespace Endpoints.Proxy.Policy;

/// <summary>The port asked for is one of these.</summary>
internal sealed record PortCondition(IReadOnlySet<int> Ports) : IRuleCondition
{
    public bool Matches(in ConnectionFacts connection) => Ports.Contains(connection.Port);

    public bool Covers(IRuleCondition later) => later is PortCondition other && other.Ports.IsSubsetOf(Ports);

    public string Explain(in ConnectionFacts connection) =>
        $"port {connection.Port} is {(Matches(connection) ? string.Empty : "not ")}in {string.Join(", ", Ports.Order())}";
}
