using System.Text.Json.Nodes;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>
/// The CDK app as a network team runs it (`dotnet run --project deploy/aws`, or the CDK CLI's `cdk synth`): a fresh
/// clone synthesizes cdk.json's example into cdk.out; bad inputs stop it with their errors and exit code 2.
/// </summary>
[Collection(SharedJsiiRuntime.Name)]
[Trait("Category", "Integration")]
public sealed class SynthesisTests(AwsFixture aws)
{
    private static string App => Path.Combine(BuiltProgram.Repository, "deploy/aws/bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Endpoints.Aws.dll");

    [Fact]
    public async Task TheExampleSynthesizesOneStackTemplate()
    {
        using var outdir = new TempDirectory();

        var (exit, output) = await Tools.RunWithEnvironmentAsync(new Dictionary<string, string> { ["CDK_OUTDIR"] = outdir.Path }, "dotnet", App);

        Assert.True(exit == 0, output);
        var template = Path.Combine(outdir.Path, "Endpoints.template.json");
        Assert.Contains(template, output, StringComparison.Ordinal);
        Assert.Equal(aws.Example.ToJSON().Count, JsonNode.Parse(File.ReadAllText(template))!.AsObject().Count);
    }

    [Fact]
    public async Task ThePinnedCdkCliSynthesizesTheApp()
    {
        using var outdir = new TempDirectory();
        var project = Path.Combine(BuiltProgram.Repository, "deploy/aws");

        var (exit, output) = await Tools.RunInAsync(
            project, Path.Combine(project, "node_modules/.bin/cdk"), ["synth", "--quiet", "--output", outdir.Path, "--no-notices", "--no-version-reporting"],
            timeout: TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, output);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outdir.Path, "manifest.json")))!;
        Assert.Equal("aws:cloudformation:stack", manifest["artifacts"]!["Endpoints"]!["type"]!.ToString());
        Assert.True(File.Exists(Path.Combine(outdir.Path, "Endpoints.template.json")));
    }

    [Fact]
    public async Task BadInputsFromTheCliStopSynthesisWithTheirErrors()
    {
        using var outdir = new TempDirectory();
        var context = new JsonObject { ["endpoints"] = aws.With(("vpcId", null), ("corporateCidrs", new JsonArray("0.0.0.0/0"))) };

        var (exit, output) = await Tools.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["CDK_OUTDIR"] = outdir.Path, ["CDK_CONTEXT_JSON"] = context.ToJsonString() }, "dotnet", App);

        Assert.Equal(2, exit);
        Assert.Contains("error: endpoints.vpcId: missing; a VPC id (vpc-...)", output, StringComparison.Ordinal);
        Assert.Contains("error: endpoints.corporateCidrs[0]: 0.0.0.0/0 would open the service to every address", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(outdir.Path));
    }
}
