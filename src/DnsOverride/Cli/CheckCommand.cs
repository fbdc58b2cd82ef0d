using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.Linting;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Cli;

/// <summary>
/// <c>check [DIR] [--strict]</c>: validates every zone file as the server would load it, then holds it to the lint
/// rules of <c>DIR/lint.json</c> (<see cref="ZoneLinter"/>), and prints <c>FILE:LINE: message</c>. Exit 0 when all
/// pass, 1 otherwise (warnings too with <c>--strict</c>): what a pull request's CI runs on a zone edit.
/// </summary>
internal static class CheckCommand
{
    public static int Run(string directory, ZoneLimits limits, TextWriter output, TextWriter error, bool strict = false)
    {
        if (!Directory.Exists(directory))
        {
            error.WriteLine($"{directory}: not a directory");
            return 1;
        }

        var files = Directory.GetFiles(directory, "*" + ZoneLoader.Extension).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            error.WriteLine($"{directory}: no *{ZoneLoader.Extension} files");
            return 1;
        }

        var (lint, lintErrors) = LintSettingsReader.ReadFolder(directory);
        foreach (var problem in lintErrors)
        {
            error.WriteLine(problem);
        }

        var (checks, healthErrors) = HealthChecksReader.ReadFolder(directory);
        var healthProblems = new List<string>(healthErrors);
        var origins = files.Select(f => ZoneLoader.OriginOf(f, out var origin, out _) ? origin : null).OfType<DnsName>().ToList();
        var failed = 0;
        var soaLines = new Dictionary<string, int>();
        var report = ZoneLoader.Load(directory, limits, fileLoaded: (file, zone, records, loadErrors) =>
        {
            soaLines[file] = records.FirstOrDefault(r => r.Type == RecordType.SOA)?.Line ?? 0;
            var errors = new List<ZoneError>(loadErrors);
            if (zone is not null && lint is not null)
            {
                errors.AddRange(ZoneLinter.Lint(zone.Origin, file, records, lint, origins));
            }

            foreach (var problem in errors)
            {
                (problem.IsWarning ? output : error).WriteLine(problem.ToString());
            }

            if (zone is null || errors.Any(e => !e.IsWarning || strict))
            {
                failed++;
                error.WriteLine(zone is null ? $"{file}: zone not loaded" : $"{file}: zone {zone.Name} fails the lint rules");
            }
            else
            {
                output.WriteLine($"{file}: zone {zone.Name} loaded, serial {zone.Serial}, {zone.Nodes.Count} names");
            }
        });

        // What stops the folder loading at all (a link inside a revision, an unlistable folder) is no file's.
        var folderErrors = report.Errors.Where(e => e.Line == 0 && e.File == directory).ToList();
        foreach (var problem in folderErrors)
        {
            error.WriteLine(problem.ToString());
        }

        failed += folderErrors.Count;

        // transparent.json is loaded with the zones, as the server loads it; its errors are already placed (FILE:LINE:COLUMN).
        var transparentPath = Path.Combine(directory, TransparentZonesReader.FileName);
        var transparentErrors = report.Errors.Where(e => e.File.StartsWith(transparentPath, StringComparison.Ordinal)).ToList();
        foreach (var problem in transparentErrors)
        {
            error.WriteLine(problem.ToString());
        }

        var loaded = report.Zones.Zones.ToList();

        // Names AWS clients use that a zone would deny on its own word (Streams without transparent.json): warnings.
        var coverage = CatalogueCoverage.Check(report.Zones, soaLines);
        foreach (var problem in coverage)
        {
            output.WriteLine(problem.ToString());
        }

        failed += strict ? coverage.Select(c => c.File).Distinct().Count() : 0;

        // Every health check must name a zone of the folder and owners there that have addresses to probe.
        foreach (var check in checks ?? [])
        {
            if (lint is not null && !lint.Ports.Contains(check.Port))
            {
                healthProblems.Add($"{Path.Combine(directory, HealthChecksReader.FileName)}: the check of {check.Zone} probes port {check.Port}, " +
                    $"which is not a port of the load balancer (lint.json 'ports': {string.Join(", ", lint.Ports)})");
            }

            var zone = loaded.Find(z => z.Origin == check.Zone);
            foreach (var owner in check.Names)
            {
                if (zone?.Find(owner.Key)?.HasAddresses != true)
                {
                    healthProblems.Add($"{Path.Combine(directory, HealthChecksReader.FileName)}: {owner} has no A or AAAA records in {(zone is null ? $"the folder (no zone {check.Zone})" : zone.Name)} to probe");
                }
            }
        }

        if (checks is not null && HealthMonitor.Count(checks, report.Zones) is var probes and > HealthMonitor.MaxTargets)
        {
            healthProblems.Add($"{Path.Combine(directory, HealthChecksReader.FileName)}: {probes} addresses to probe, at most {HealthMonitor.MaxTargets}");
        }

        foreach (var problem in healthProblems)
        {
            error.WriteLine(problem);
        }

        var verdict = failed == 0 && lintErrors.Count == 0 && healthProblems.Count == 0 && transparentErrors.Count == 0;
        var also = string.Concat(
            lintErrors.Count > 0 ? ", and lint.json" : string.Empty, healthProblems.Count > 0 ? ", and health.json" : string.Empty,
            transparentErrors.Count > 0 ? ", and transparent.json" : string.Empty);
        output.WriteLine(verdict ? $"OK: {files.Count} zone files" : $"FAILED: {failed} of {files.Count} zone files{also}");
        return verdict ? 0 : 1;
    }
}
