using System.Net;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Policy;

/// <summary>The client's address (after a load balancer's PROXY header) is in one of the networks.</summary>
internal sealed record SourceCondition(IReadOnlyList<IPNetwork> Networks) : IRuleCondition
{
    public bool Matches(in ConnectionFacts connection) => Networks.ContainsAny(connection.Source);

    public bool Covers(IRuleCondition later) =>
        later is SourceCondition other && other.Networks.All(inner => Networks.Any(outer => outer.Covers(inner)));

    public string Explain(in ConnectionFacts connection) =>
        $"source {connection.Source} is {(Matches(connection) ? string.Empty : "not ")}in {string.Join(", ", Networks)}";
}
