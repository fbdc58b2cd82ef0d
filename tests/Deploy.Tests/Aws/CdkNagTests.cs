using System.Text.Json.Nodes;
using Endpoints.Aws;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>
/// An independent linter over the synthesized template: cdk-nag's AwsSolutions pack (npm, pinned), run by
/// deploy/aws/nag/nag.js on the template as CloudFormation receives it. Every finding is fixed in the stack or
/// acknowledged in deploy/aws/nag/suppressions.json with its reason; without that file the same findings show.
/// </summary>
[Collection(SharedJsiiRuntime.Name)]
[Trait("Category", "Integration")]
public sealed class CdkNagTests(AwsFixture aws)
{
    private static readonly string Nag = Path.Combine(BuiltProgram.Repository, "deploy/aws/nag");

    public static TheoryData<string> Variants => ["example", "every option"];

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task TheTemplateHasNoFindingButTheWrittenSuppressions(string variant)
    {
        using var outdir = new TempDirectory();
        var template = Synthesize(variant, outdir);

        var (exit, output) = await LintAsync(template, Path.Combine(Nag, "suppressions.json"));

        Assert.True(exit == 0, output);
        Assert.Contains("cdk-nag AwsSolutions: no finding left", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheSuppressionsTheirFindingsShow()
    {
        using var outdir = new TempDirectory();
        var template = Synthesize("example", outdir);

        var (exit, output) = await LintAsync(template, null);

        Assert.Equal(1, exit);
        foreach (var suppression in JsonNode.Parse(File.ReadAllText(Path.Combine(Nag, "suppressions.json")))!.AsArray())
        {
            Assert.Contains($"Acknowledge with '{suppression!["id"]}'", output, StringComparison.Ordinal);
        }
    }

    private string Synthesize(string variant, TempDirectory outdir)
    {
        var context = variant == "example" ? aws.ExampleContext : aws.With(
            ("s3InterfaceEndpoint", true), ("managementEndpoints", true), ("zonesRepository", "https://github.com/corp/zones.git"),
            ("zonesTokenParameter", "/endpoints/zones-token"), ("s3ResourceAccounts", new JsonArray("111122223333")));
        return Assert.Single(EndpointsApp.Synthesize([AwsFixture.Inputs(context)], outdir.Path));
    }

    private static Task<(int ExitCode, string Output)> LintAsync(string template, string? suppressions) =>
        Tools.RunInAsync(Nag, "node", suppressions is null ? ["nag.js", template] : ["nag.js", template, suppressions], timeout: TimeSpan.FromMinutes(2));
}
