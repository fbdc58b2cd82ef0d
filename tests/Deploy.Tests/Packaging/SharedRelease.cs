namespace Endpoints.Deploy.Tests.Packaging;

/// <summary>The tests that share one packaged and installed release (packaging takes about a minute).</summary>
[CollectionDefinition(Name)]
public sealed class SharedRelease : ICollectionFixture<ReleaseFixture>
{
    public const string Name = "Release";
}
