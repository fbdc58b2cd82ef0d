namespace Endpoints.Proxy.Policy;

/// <summary>The host asked for matches one of the patterns (names, wildcards, addresses and networks).</summary>
internal sealed record DestinationCondition(IReadOnlyList<DestinationPattern> Patterns) : IRuleCondition
{
    public bool Matches(in ConnectionFacts connection)
    {
        for (var i = 0; i < Patterns.Count; i++)
        {
            if (Patterns[i].Matches(connection.Host, connection.HostAddress))
            {
                return true;
            }
        }

        return false;
    }

    public bool Covers(IRuleCondition later) =>
        later is DestinationCondition other && other.Patterns.All(d => Patterns.Any(mine => mine.Covers(d)));

    public string Explain(in ConnectionFacts connection) =>
        $"destination {connection.Host} is {(Matches(connection) ? string.Empty : "not ")}in {string.Join(", ", Patterns)}";
}
