using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Endpoints.Aws;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>
/// The stack built in this process (one jsii runtime for the whole collection) from cdk.json's documented example,
/// and variants of it; <see cref="Example"/> is what <c>dotnet run --project deploy/aws</c> synthesizes.
/// </summary>
public sealed class AwsFixture
{
    public AwsFixture()
    {
        ExampleContext = JsonNode.Parse(File.ReadAllText(Path.Combine(BuiltProgram.Repository, "deploy/aws/cdk.json")))!["context"]![StackInputs.ContextKey]!.AsObject();
        Example = Synthesize(ExampleContext);
    }

    public JsonObject ExampleContext { get; }

    public Template Example { get; }

    /// <summary>cdk.json's example with some keys replaced (null removes a key).</summary>
    public JsonObject With(params (string Key, JsonNode? Value)[] changes)
    {
        var context = ExampleContext.DeepClone().AsObject();
        foreach (var (key, value) in changes)
        {
            context.Remove(key);
            if (value is not null)
            {
                context[key] = value;
            }
        }

        return context;
    }

    internal static StackInputs Inputs(JsonObject context)
    {
        var (inputs, errors) = StackInputs.Parse(context);
        return inputs ?? throw new InvalidOperationException(string.Join("\n", errors));
    }

    public static Template Synthesize(JsonObject context)
    {
        var app = new App();
        return Template.FromStack(EndpointsApp.Build(app, Inputs(context)));
    }
}
