using System.Text.Json.Nodes;
using Amazon.CDK;

namespace Endpoints.Aws;

/// <summary>Reads the inputs the way the CDK CLI hands them over (or from cdk.json when run alone) and synthesizes the stack.</summary>
internal static class EndpointsApp
{
    /// <summary>
    /// The CLI passes the merged context (cdk.json, cdk.context.json, -c flags) in CDK_CONTEXT_JSON; `dotnet run`
    /// alone reads cdk.json's context itself, so a fresh clone synthesizes the documented example.
    /// </summary>
    public static (IReadOnlyList<StackInputs>? Inputs, IReadOnlyList<string> Errors) ReadInputs(string projectDirectory)
    {
        var context = System.Environment.GetEnvironmentVariable("CDK_CONTEXT_JSON") is { Length: > 0 } json
            ? JsonNode.Parse(json)
            : JsonNode.Parse(File.ReadAllText(Path.Combine(projectDirectory, "cdk.json")))?["context"];
        return StackInputs.ParseAll(context?[StackInputs.ContextKey]);
    }

    /// <summary>Writes the cloud assembly, one stack per region, to <paramref name="outdir"/>; returns the templates' paths.</summary>
    public static IReadOnlyList<string> Synthesize(IReadOnlyList<StackInputs> inputs, string outdir)
    {
        var app = new App(new AppProps { Outdir = outdir });
        var stacks = inputs.Select(i => Build(app, i)).ToList();
        app.Synth();
        return [.. stacks.Select(stack => Path.Combine(outdir, stack.TemplateFile))];
    }

    public static EndpointsStack Build(App app, StackInputs inputs) =>
        new(app, inputs, new StackProps
        {
            Env = new Amazon.CDK.Environment { Account = inputs.Account, Region = inputs.Region },
            Description = "Endpoints: private access to S3 and DynamoDB for a corporate network (github.com/.../endpoints)",
        });
}
