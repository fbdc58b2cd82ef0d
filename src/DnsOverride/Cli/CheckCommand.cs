using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Cli;

/// <summary>
/// <c>check [DIR]</c>: validates every zone file as the server would load it and prints <c>FILE:LINE: message</c>.
/// Exit 0 when all load, 1 otherwise: what a pull request's CI runs on a zone edit.
/// </summary>
internal static class CheckCommand
{
    public static int Run(string directory, ZoneLimits limits, TextWriter output, TextWriter error)
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

        var failed = 0;
        foreach (var file in files)
        {
            var errors = new List<ZoneError>();
            var zone = ZoneLoader.LoadFile(file, limits, errors);
            foreach (var problem in errors)
            {
                (problem.IsWarning ? output : error).WriteLine(problem.ToString());
            }

            if (zone is null)
            {
                failed++;
                error.WriteLine($"{file}: zone not loaded");
            }
            else
            {
                output.WriteLine($"{file}: zone {zone.Name} loaded, serial {zone.Serial}, {zone.Nodes.Count} names");
            }
        }

        output.WriteLine(failed == 0 ? $"OK: {files.Count} zone files" : $"FAILED: {failed} of {files.Count} zone files");
        return failed == 0 ? 0 : 1;
    }
}
