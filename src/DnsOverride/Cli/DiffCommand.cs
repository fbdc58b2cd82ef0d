using Endpoints.DnsOverride.Changes;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Cli;

/// <summary>
/// <c>diff --against REF [DIR]</c>: what a change to the zones does to the answers, against the same folder at a
/// git revision, offline (no provider, no secrets in a pull request's job). Exit 0 when the change may go in, 1 when
/// it has errors (a zone that does not load, a serial not increased, too large a change), 2 when it cannot compare.
/// </summary>
internal static class DiffCommand
{
    public static int Run(string directory, string against, string format, bool allowLargeChange, ZoneLimits limits, DateOnly today, TextWriter output, TextWriter error)
    {
        var scratch = Directory.CreateTempSubdirectory("endpoints-diff-");
        try
        {
            // The work tree loads on another core while git exports and the old revision loads.
            var loading = Task.Run(() => ZoneLoader.Load(directory, limits));
            var (exported, _, gitError) = GitRevision.Export(directory, against, scratch.FullName);
            if (exported is null)
            {
                error.WriteLine($"error: {gitError}");
                return 2;
            }

            var before = ZoneLoader.Load(exported, limits);
            var after = loading.GetAwaiter().GetResult();

            // A work-tree file that fails to load is its error; the server keeps the zone's last good version, so
            // the comparison does too (not a removal).
            var kept = after.FailedFiles
                .Select(file => ZoneLoader.OriginOf(file, out var origin, out _) && after.Zones.FindZoneExact(origin) is null ? before.Zones.FindZoneExact(origin) : null)
                .OfType<Zone>();
            var served = new ZoneSet(after.Zones.Zones.Concat(kept));

            // Files of the old revision are named as in the work tree, not by the scratch folder.
            var zones = ZoneDiffer.Compare(before.Zones, served, allowLargeChange, today)
                .Select(z => z.File.StartsWith(exported, StringComparison.Ordinal) ? z with { File = Path.Combine(directory, Path.GetRelativePath(exported, z.File)) } : z)
                .ToList();
            var loadErrors = after.Errors.Where(e => !e.IsWarning).Select(e => e.ToString()).ToList();
            var settings = SettingsDiffer.Compare(exported, directory, allowLargeChange)
                .Select(s => s with { Errors = [.. s.Errors.Select(e => e.Replace(exported, directory, StringComparison.Ordinal))] })
                .ToList();
            var report = new ChangeReport(against, zones, loadErrors) { Settings = settings };
            output.Write(ChangeFormatter.Format(report, format));
            return report.Failed ? 1 : 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
