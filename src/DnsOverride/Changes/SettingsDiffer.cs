using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.Linting;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// Compares the zones folder's settings files (lint.json, health.json, transparent.json) between the old revision and the work tree. They decide what
/// <c>check</c> lets in and which addresses leave answers, so a pull request shows their changes beside the zones'; a
/// lint.json that lets more through (a wider network, another suffix or target, a port, a wider TTL range) needs the
/// same consent as a large change.
/// </summary>
internal static class SettingsDiffer
{
    private static readonly string[] Files = [LintSettings.FileName, HealthChecksReader.FileName, TransparentZonesReader.FileName];

    public static IReadOnlyList<SettingsChange> Compare(string before, string after, bool allowLargeChange)
    {
        var changes = new List<SettingsChange>();
        foreach (var name in Files)
        {
            var old = Read(Path.Combine(before, name));
            var now = Read(Path.Combine(after, name));
            if (old == now)
            {
                continue;
            }

            var oldLines = Lines(old);
            var newLines = Lines(now);
            var loosened = name == LintSettings.FileName ? Loosened(Lint(old, before), Lint(now, after)) : [];
            var errors = loosened.Count > 0 && !allowLargeChange
                ? [$"{Path.Combine(after, name)}: loosens the lint rules ({string.Join("; ", loosened)}); pass --allow-large-change if that is intended"]
                : new List<string>();
            changes.Add(new SettingsChange(
                name, old is null ? ChangeKind.Added : now is null ? ChangeKind.Removed : ChangeKind.Changed,
                [.. oldLines.Except(newLines, StringComparer.Ordinal)], [.. newLines.Except(oldLines, StringComparer.Ordinal)], loosened, errors));
        }

        return changes;
    }

    /// <summary>What <paramref name="after"/> lets through that <paramref name="before"/> did not; nothing when either does not parse (check says why).</summary>
    public static List<string> Loosened(LintSettings? before, LintSettings? after)
    {
        if (before is null || after is null)
        {
            return [];
        }

        var loosened = new List<string>();
        loosened.AddRange(after.Addresses.Where(n => !before.Addresses.Any(o => o.Covers(n))).Select(n => $"addresses: {n} newly allowed"));
        loosened.AddRange(after.Suffixes.Where(s => !before.Suffixes.Any(s.IsAtOrBelow)).Select(s => $"suffixes: {s} newly allowed"));
        loosened.AddRange(after.Targets.Where(t => !before.Targets.Any(t.IsAtOrBelow)).Select(t => $"targets: {t} newly allowed"));
        loosened.AddRange(after.Ports.Except(before.Ports).Select(p => $"ports: {p} newly allowed"));
        if (after.TtlMin < before.TtlMin || after.TtlMax > before.TtlMax)
        {
            loosened.Add($"ttl: {before.TtlMin}..{before.TtlMax} widened to {after.TtlMin}..{after.TtlMax}");
        }

        return loosened;
    }

    /// <summary>The file's text, or null when it does not exist (or cannot be read: check reports that).</summary>
    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static LintSettings? Lint(string? text, string directory) =>
        text is null ? LintSettings.Default : LintSettingsReader.Read(System.Text.Encoding.UTF8.GetBytes(text), Path.Combine(directory, LintSettings.FileName)).Settings;

    private static string[] Lines(string? text) =>
        text is null ? [] : [.. text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)];
}
