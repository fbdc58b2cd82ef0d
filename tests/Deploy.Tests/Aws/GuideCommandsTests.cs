using System.Text.RegularExpressions;
using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>
/// The guide's CDK commands, checked against the pinned CLI: every `cdk VERB [--flag]...` that docs/deploy-aws.md
/// and the README tell an operator to run is a verb the CLI has, with flags its help lists.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class GuideCommandsTests
{
    [Fact]
    public async Task EveryCdkCommandInTheGuideIsOneThePinnedCliKnows()
    {
        var project = Path.Combine(BuiltProgram.Repository, "deploy/aws");
        var text = File.ReadAllText(Path.Combine(BuiltProgram.Repository, "docs/deploy-aws.md")) + File.ReadAllText(Path.Combine(BuiltProgram.Repository, "README.md"));
        var commands = CdkCommand().Matches(text).Select(m => (Verb: m.Groups[1].Value, Flags: m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList()))
            .DistinctBy(c => $"{c.Verb} {string.Join(' ', c.Flags)}").ToList();

        Assert.Contains(commands, c => c.Verb == "bootstrap");
        Assert.Contains(commands, c => c.Verb == "deploy" && c.Flags.Contains("--all"));
        foreach (var (verb, flags) in commands)
        {
            var (exit, help) = await Tools.RunInAsync(project, Path.Combine(project, "node_modules/.bin/cdk"), [verb, "--help"], timeout: TimeSpan.FromMinutes(1));
            Assert.True(exit == 0, $"cdk {verb} --help: {help}");
            Assert.All(flags, flag => Assert.Contains(flag, help, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"\bcdk (bootstrap|deploy|synth|diff|destroy)((?: --[a-z-]+)*)")]
    private static partial Regex CdkCommand();
}
