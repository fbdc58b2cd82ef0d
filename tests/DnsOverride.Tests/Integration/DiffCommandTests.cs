using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary><c>diff --against REF</c> on a real git repository: what a pull request would see, and when it fails.</summary>
[Trait("Category", "Integration")]
public sealed class DiffCommandTests
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
    public async Task AChangedAddressIsNamedAndAMissingSerialBumpFails()
    {
        using var repository = await BaseAsync();
        var file = repository.Write("zones/s3.amazonaws.com.zone", Zone.Replace("@ A 10.200.0.10", "@ A 10.200.0.11", StringComparison.Ordinal));

        var (exit, output) = await DiffAsync(repository, "--against", "main", "zones");

        Assert.Equal(1, exit);
        Assert.Contains("error: zones/s3.amazonaws.com.zone: zone s3.amazonaws.com. changed but its SOA serial did not increase (2026112501 -> 2026112501); use 20", output, StringComparison.Ordinal);
        Assert.Contains("  ~ @ 60 IN A 10.200.0.10, 10.200.1.10 -> 10.200.0.11, 10.200.1.10", output, StringComparison.Ordinal);
        Assert.Contains("1 zone changed, 1 RRset changed", output, StringComparison.Ordinal);

        repository.Write("zones/s3.amazonaws.com.zone", File.ReadAllText(file).Replace("2026112501", "2026112502", StringComparison.Ordinal));
        (exit, output) = await DiffAsync(repository, "--against", "main", "zones", "--format", "markdown");
        Assert.Equal(0, exit);
        Assert.Contains("| ~ | `@` | A | 60 | `10.200.0.10, 10.200.1.10 → 10.200.0.11, 10.200.1.10` |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComparesCommittedRevisionsAndZonesAddedOrRemoved()
    {
        using var repository = await BaseAsync();
        await repository.RunAsync("checkout", "-q", "-b", "pr");
        repository.Write("zones/dynamodb.us-east-1.amazonaws.com.zone", Zone);
        await repository.CommitAsync("add dynamodb");
        File.Delete(Path.Combine(repository.Path, "zones/s3.amazonaws.com.zone"));

        var (exit, output) = await DiffAsync(repository, "--against", "main", "zones", "--format", "json");

        Assert.Equal(1, exit);
        Assert.Contains("\"change\": \"added\"", output, StringComparison.Ordinal);
        Assert.Contains("zone s3.amazonaws.com. is removed; pass --allow-large-change if that is intended", output, StringComparison.Ordinal);
        Assert.Equal(0, (await DiffAsync(repository, "--against", "main", "zones", "--allow-large-change")).Exit);
    }

    [Fact]
    public async Task WhatCannotBeComparedIsOneLineAndExitTwo()
    {
        using var repository = await BaseAsync();
        using var outside = new TempDirectory();

        var unknown = await DiffAsync(repository, "--against", "origin/nowhere", "zones");
        var notGit = await DiffAsync(repository, "--against", "main", outside.Path);
        var noRef = await DiffAsync(repository, "zones");

        Assert.Equal((2, "error: unknown git revision 'origin/nowhere'"), (unknown.Exit, unknown.Output.Trim()));
        Assert.Equal((2, $"error: {outside.Path} is not in a git work tree"), (notGit.Exit, notGit.Output.Trim()));
        Assert.Equal(2, noRef.Exit);
        Assert.Contains("diff needs --against REF", noRef.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwkwardFilesAndLargeZonesAreCompared()
    {
        using var repository = await BaseAsync();
        var hosts = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"h{i}\tIN\tA\t10.{i >> 16}.{(i >> 8) & 255}.{i & 255}\n"));
        repository.Write("zones/big.amazonaws.com.zone", "\uFEFF" + Zone.ReplaceLineEndings("\r\n") + "\r\n" + hosts);
        repository.Write("zones/long.amazonaws.com.zone", Zone + $"\ntxt TXT {string.Join(' ', Enumerable.Repeat($"\"{new string('x', 255)}\"", 254))}\n");
        await repository.CommitAsync("awkward");
        repository.Write("zones/big.amazonaws.com.zone", "\uFEFF" + Zone.Replace("2026112501", "2026112502", StringComparison.Ordinal).ReplaceLineEndings("\r\n") + "\r\n" +
            hosts.Replace("h99999\tIN\tA\t10.1.134.159", "h99999\tIN\tA\t10.1.134.160", StringComparison.Ordinal));

        var (exit, output) = await DiffAsync(repository, "--against", "HEAD", "zones");

        Assert.True(exit == 0, output);
        Assert.Contains("  ~ h99999 60 IN A 10.1.134.159 -> 10.1.134.160", output, StringComparison.Ordinal);
        Assert.Contains("1 zone changed, 2 RRsets changed", output, StringComparison.Ordinal);
    }

    /// <summary>A zone whose edit does not load is that error, as the server keeps its last good version, not a removal with a scratch path.</summary>
    [Fact]
    public async Task AZoneThatFailsToLoadIsItsErrorNotARemoval()
    {
        using var repository = await BaseAsync();
        repository.Write("zones/s3.amazonaws.com.zone", Zone + "\nbroken A 10.200.0\n");

        var (exit, output) = await DiffAsync(repository, "--against", "main", "zones", "--format", "markdown");

        Assert.Equal(1, exit);
        Assert.Contains("zones/s3.amazonaws.com.zone:9: A: bad dotted quad", output, StringComparison.Ordinal);
        Assert.DoesNotContain("removed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("endpoints-diff-", output, StringComparison.Ordinal);
    }

    /// <summary>A zone name from a file name is text from the pull request: in a heading it cannot open a code span or a link.</summary>
    [Fact]
    public async Task AZoneNameInAMarkdownHeadingIsEscaped()
    {
        using var repository = await BaseAsync();
        repository.Write("zones/a`b]c.test.zone", Zone);

        var (_, output) = await DiffAsync(repository, "--against", "main", "zones", "--format", "markdown");

        Assert.Contains("### `a'b]c.test.` added", output, StringComparison.Ordinal);
    }

    /// <summary>The settings beside the zones change in the same pull request: shown in the plan, and a looser lint.json needs consent.</summary>
    [Fact]
    public async Task LintAndHealthChangesAreShownAndALooserLintNeedsConsent()
    {
        using var repository = await BaseAsync();
        repository.Write("zones/lint.json", """{ "addresses": ["10.200.0.0/23"] }""");
        await repository.CommitAsync("lint");
        repository.Write("zones/lint.json", """{ "addresses": ["10.200.0.0/23", "0.0.0.0/0"], "ttl": { "max": 604800 } }""");
        repository.Write("zones/health.json", """{"checks": [{"zone": "s3.amazonaws.com", "names": ["@"], "tcp": 443}]}""");

        var (exit, output) = await DiffAsync(repository, "--against", "HEAD", "zones");
        var (consented, consentedOutput) = await DiffAsync(repository, "--against", "HEAD", "zones", "--allow-large-change");
        var (_, markdown) = await DiffAsync(repository, "--against", "HEAD", "zones", "--format", "markdown");

        Assert.Equal(1, exit);
        Assert.Contains("error: zones/lint.json: loosens the lint rules (addresses: 0.0.0.0/0 newly allowed; ttl: 5..86400 widened to 5..604800); pass --allow-large-change if that is intended", output, StringComparison.Ordinal);
        Assert.Contains("settings lint.json changed\n  - { \"addresses\": [\"10.200.0.0/23\"] }\n  + { \"addresses\": [\"10.200.0.0/23\", \"0.0.0.0/0\"], \"ttl\": { \"max\": 604800 } }", output, StringComparison.Ordinal);
        Assert.Contains("settings health.json added", output, StringComparison.Ordinal);
        Assert.Contains("0 zones changed, 0 RRsets changed, lint.json changed, health.json added", output, StringComparison.Ordinal);
        Assert.True(consented == 0, consentedOutput);
        Assert.Contains("### `lint.json` changed", markdown, StringComparison.Ordinal);
        Assert.Contains("- :warning: loosens addresses: 0.0.0.0/0 newly allowed", markdown, StringComparison.Ordinal);
    }

    private static async Task<GitRepository> BaseAsync()
    {
        var repository = await GitRepository.CreateAsync();
        repository.Write("zones/s3.amazonaws.com.zone", Zone);
        await repository.CommitAsync("base");
        return repository;
    }

    private static Task<(int Exit, string Output)> DiffAsync(GitRepository repository, params string[] arguments) =>
        Tools.RunInAsync(repository.Path, "dotnet", [DnsServerProcess.ServerDll, "diff", .. arguments]);
}
