namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// Tests whose in-process peers (a slow upstream, a stream of clients) must keep time: xunit runs this collection
/// alone, after the parallel ones, so a busy test host cannot starve them for seconds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
