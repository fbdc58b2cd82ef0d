namespace Endpoints.Deploy.Tests.Aws;

/// <summary>The jsii runtime behind the CDK is one Node.js process per test process: its tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SharedJsiiRuntime : ICollectionFixture<AwsFixture>
{
    public const string Name = "Aws";
}
