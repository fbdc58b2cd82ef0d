namespace Endpoints.Proxy.Policy;

/// <summary>
/// One thing a rule asks of a connection (its sources, destinations, ports): a new kind of condition is one class of
/// this and its tests. A rule matches when all its conditions do; a kind it does not name lets every connection through.
/// </summary>
internal interface IRuleCondition
{
    /// <summary>Runs for every rule on every connection: loops, not LINQ, and nothing allocated.</summary>
    bool Matches(in ConnectionFacts connection);

    /// <summary>Whether every connection <paramref name="later"/> (a condition of the same kind) lets through, this lets through too.</summary>
    bool Covers(IRuleCondition later);

    /// <summary>For <c>check --explain</c>: the connection's value against this condition's, as in <c>port 80 is not in 443</c>.</summary>
    string Explain(in ConnectionFacts connection);
}
