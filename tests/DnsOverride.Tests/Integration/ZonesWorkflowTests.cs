using Endpoints.Testing;
using YamlDotNet.RepresentationModel;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// The workflow to copy, <c>.github/workflows/zones.yml</c>, read as YAML and its <c>run:</c> steps run as GitHub runs
/// them (bash -e, the workflow's env, the GitHub variables of a pull request) in a scratch clone whose origin has
/// the base branch; <c>uses:</c> steps (checkout, setup-dotnet) are what the scratch clone and this machine provide.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ZonesWorkflowTests
{
    private const string Zone = """
        $TTL 60
        @ SOA ns hostmaster 2026112501 3600 900 604800 60
        @ NS ns
        ns A 10.200.0.53
        @ A 10.200.0.10
          A 10.200.1.10
        * A 10.200.0.10
          A 10.200.1.10
        """;

    [Fact]
    public async Task AGoodPullRequestPassesAndWritesTheSummary()
    {
        var change = Zone.Replace("2026112501", "2026112502", StringComparison.Ordinal).Replace("10.200.0.10", "10.200.0.20", StringComparison.Ordinal);

        var (steps, summary) = await RunPullRequestAsync(change);

        Assert.All(steps, s => Assert.True(s.Exit == 0, $"{s.Name}: {s.Output}"));
        Assert.Contains("## DNS zone changes against `origin/main`", summary, StringComparison.Ordinal);
        Assert.Contains("| ~ | `@` | A | 60 | `10.200.0.10, 10.200.1.10 → 10.200.0.20, 10.200.1.10` |", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APullRequestWithoutASerialBumpFails()
    {
        var (steps, summary) = await RunPullRequestAsync(Zone.Replace("10.200.0.10", "10.200.0.20", StringComparison.Ordinal));

        var diff = steps.Single(s => s.Name.StartsWith("What the change does", StringComparison.Ordinal));
        Assert.NotEqual(0, diff.Exit);
        Assert.Contains("zones/s3.amazonaws.com.zone: zone s3.amazonaws.com. changed but its SOA serial did not increase", diff.Output, StringComparison.Ordinal);
        Assert.Contains(":x: zones/s3.amazonaws.com.zone", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APullRequestWithAPublicAddressFailsAtItsLine()
    {
        var change = Zone.Replace("2026112501", "2026112502", StringComparison.Ordinal).Replace("@ A 10.200.0.10", "@ A 52.216.8.1", StringComparison.Ordinal);

        var (steps, _) = await RunPullRequestAsync(change);

        var check = steps.Single(s => s.Name.StartsWith("Every zone loads", StringComparison.Ordinal));
        Assert.Equal(1, check.Exit);
        Assert.Contains("zones/s3.amazonaws.com.zone:5: s3.amazonaws.com. A 52.216.8.1 is not a private address", check.Output, StringComparison.Ordinal);
    }

    /// <summary>An origin with main, a clone with a pull request branch changing the zone; runs the workflow's steps there.</summary>
    private static async Task<(List<(string Name, int Exit, string Output)> Steps, string Summary)> RunPullRequestAsync(string changedZone)
    {
        using var origin = await GitRepository.CreateAsync();
        origin.Write("zones/s3.amazonaws.com.zone", Zone);
        await origin.CommitAsync("base");
        using var clone = new TempDirectory();
        await Tools.RunAsync("git", "clone", "-q", origin.Path, clone.Path);
        var work = await GitRepository.OpenAsync(clone.Path);
        await work.RunAsync("checkout", "-q", "-b", "pr");
        work.Write("zones/s3.amazonaws.com.zone", changedZone);
        await work.CommitAsync("the change");

        var summary = clone.File("step-summary.md");
        File.WriteAllText(summary, string.Empty);
        var workflow = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "workflows", "zones.yml")))
        {
            workflow.Load(reader);
        }

        var root = (YamlMappingNode)workflow.Documents[0].RootNode;
        var environment = ((YamlMappingNode)root["env"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString());
        environment["DNS_OVERRIDE"] = $"dotnet {DnsServerProcess.ServerDll}";
        environment["GITHUB_BASE_REF"] = "main";
        environment["GITHUB_HEAD_REF"] = "pr";
        environment["GITHUB_EVENT_NAME"] = "pull_request";
        environment["GITHUB_WORKSPACE"] = clone.Path;
        environment["GITHUB_STEP_SUMMARY"] = summary;

        var on = (YamlMappingNode)root["on"];
        Assert.Equal("zones/**", ((YamlSequenceNode)((YamlMappingNode)on["pull_request"])["paths"]).Children.Single().ToString());
        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["jobs"])["zones"])["steps"];
        var results = new List<(string, int, string)>();
        var failed = false;
        foreach (var step in steps.Children.Cast<YamlMappingNode>())
        {
            if (!step.Children.TryGetValue("run", out var run))
            {
                continue;
            }

            // GitHub's `if:` here is `success() || failure()`: the step runs whether or not an earlier one failed.
            var condition = step.Children.TryGetValue("if", out var value) ? value.ToString() : "success()";
            if (failed && condition == "success()")
            {
                continue;
            }

            var (exit, output) = await Tools.RunInAsync(clone.Path, "bash", ["--noprofile", "--norc", "-e", "-c", run.ToString()], environment);
            results.Add((step["name"].ToString(), exit, output));
            failed |= exit != 0;
        }

        Assert.Equal(2, results.Count);
        return (results, File.ReadAllText(summary));
    }
}
