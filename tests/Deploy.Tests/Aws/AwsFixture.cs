using System.Text.Json;
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

    /// <summary>The user data of the stack's launch templates, as the instances run it.</summary>
    public static string UserData(Template template) => string.Join("\n", JsonNode.Parse(JsonSerializer.Serialize(template.ToJSON()))!["Resources"]!.AsObject()
        .Where(r => r.Value!["Type"]!.ToString() == "AWS::EC2::LaunchTemplate")
        .Select(r => r.Value!["Properties"]!["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!.ToString()));

    /// <summary>The destinations the allow rules of the proxies' policy name, from the policy the user data writes.</summary>
    public static HashSet<string> AllowedDestinations(Template template)
    {
        var text = UserData(template);
        var start = text.IndexOf("cat > /etc/endpoints/policy.json <<'JSON'\n", StringComparison.Ordinal);
        Assert.True(start >= 0, text);
        start = text.IndexOf('\n', start) + 1;
        var policy = JsonNode.Parse(text[start..text.IndexOf("\nJSON", start, StringComparison.Ordinal)])!;
        return policy["rules"]!.AsArray().Where(r => r!["action"]!.ToString() == "allow")
            .SelectMany(r => r!["destinations"]!.AsArray().Select(d => d!.ToString())).ToHashSet(StringComparer.Ordinal);
    }

    public static Template Synthesize(JsonObject context)
    {
        var app = new App();
        return Template.FromStack(EndpointsApp.Build(app, Inputs(context)));
    }
}
