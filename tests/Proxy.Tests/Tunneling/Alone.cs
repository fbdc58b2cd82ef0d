namespace Endpoints.Proxy.Tests.Tunneling;

/// <summary>Tests that measure the whole process (allocations) run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "Alone";
}
