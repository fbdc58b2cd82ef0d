using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Loads every <c>*.zone</c> file of a directory; the file name without <c>.zone</c> is the origin.
/// A file that fails keeps the previous good version of its zone in service.
/// </summary>
internal static class ZoneLoader
{
    public const string Extension = ".zone";

    private const int CompactAfterRecords = 250_000;

    /// <summary>
    /// zones-sync's layout, <c>zones -> revs/COMMIT/PATH</c>: the first link is the swap, and every part of where it
    /// points must be a plain folder, or the zones served would change with no commit. Returns the first part that is
    /// a link, or null (also for a link that does not point into a <c>revs</c> folder).
    /// </summary>
    private static string? LinkInsideRevision(string directory, string target)
    {
        var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!parts.Contains("revs", StringComparer.Ordinal))
        {
            return null;
        }

        var current = Path.IsPathRooted(target) ? "/" : Path.GetDirectoryName(Path.GetFullPath(directory.TrimEnd('/'))) ?? ".";
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            if (new DirectoryInfo(current).LinkTarget is not null)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>What <see cref="Load"/> found in one file: its zone (null when it failed), its records as read, its errors.</summary>
    public delegate void FileLoaded(string file, Zone? zone, IReadOnlyList<ResourceRecord> records, IReadOnlyList<ZoneError> errors);

    /// <summary>
    /// Loads the folder as the server serves it, and as <c>check</c> judges it (<paramref name="fileLoaded"/> sees each
    /// file). Files are read in ordinal order of their names; a file whose origin an earlier file already gave (names
    /// differing in case or a trailing dot) is an error and not read, so the zone served never depends on a race.
    /// </summary>
    public static ZoneLoadReport Load(string directory, ZoneLimits limits, ZoneSet? previous = null, FileLoaded? fileLoaded = null)
    {
        var errors = new List<ZoneError>();
        var failed = new List<string>();
        var kept = new List<string>();
        var zones = new List<Zone>();
        string[] files;
        string root;
        try
        {
            // A linked folder (git-sync's layout) is resolved once, so a swap meanwhile cannot mix files of two
            // revisions; its files are then named by the revision they come from. A plain folder keeps its name.
            var link = new DirectoryInfo(directory).LinkTarget;
            if (link is not null && LinkInsideRevision(directory, link) is { } inner)
            {
                errors.Add(new ZoneError(directory, 0, $"{inner} is a symbolic link inside the revision {directory} points at; a revision's zones must be its own folder"));
                return new ZoneLoadReport(previous ?? ZoneSet.Empty, errors, [directory], []);
            }

            root = link is null ? directory : RealPath.Resolve(directory);
            files = Directory.GetFiles(root, "*" + Extension);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ZoneError(directory, 0, $"cannot list zone directory: {ex.Message}"));
            return new ZoneLoadReport(previous ?? ZoneSet.Empty, errors, [directory], []);
        }

        Array.Sort(files, StringComparer.Ordinal);
        var origins = new Dictionary<DnsName, string>();
        foreach (var file in files)
        {
            var fileErrors = new List<ZoneError>();
            Zone? zone = null;
            IReadOnlyList<ResourceRecord> records = [];
            var hasOrigin = OriginOf(file, out var origin, out _);
            if (hasOrigin && !origins.TryAdd(origin, file))
            {
                fileErrors.Add(new ZoneError(file, 0, $"zone {origin} is defined by more than one file (first: {Path.GetFileName(origins[origin])})"));
            }
            else
            {
                zone = LoadFile(file, limits, fileErrors, out records);
            }

            errors.AddRange(fileErrors);
            fileLoaded?.Invoke(file, zone, records, fileErrors);
            if (zone is not null)
            {
                zones.Add(zone);
                continue;
            }

            failed.Add(file);
            if (hasOrigin && origins[origin] == file && previous?.FindZoneExact(origin) is { } good)
            {
                zones.Add(good);
                kept.Add(file);
            }
        }

        // transparent.json: a bad one is an error like a bad zone file, and the last good set of transparent zones stays.
        var (transparent, transparentErrors) = TransparentZonesReader.ReadFolder(root, zones.Select(z => z.Origin).ToHashSet());
        if (transparent is null)
        {
            errors.AddRange(transparentErrors.Select(ZoneError.Located));
            failed.Add(Path.Combine(root, TransparentZonesReader.FileName));
        }

        return new ZoneLoadReport(new ZoneSet(zones, transparent ?? (IEnumerable<DnsName>?)previous?.Transparent), errors, failed, kept) { Commit = CommitOf(root) };
    }

    public static Zone? LoadFile(string file, ZoneLimits limits, List<ZoneError> errors) => LoadFile(file, limits, errors, out _);

    /// <summary>Loads one zone file; <paramref name="records"/> are the records as read, with their file and line, for <c>check</c>'s rules.</summary>
    public static Zone? LoadFile(string file, ZoneLimits limits, List<ZoneError> errors, out IReadOnlyList<ResourceRecord> records)
    {
        records = [];
        if (!OriginOf(file, out var origin, out var error))
        {
            errors.Add(new ZoneError(file, 0, error!));
            return null;
        }

        var (parsed, parseErrors, stopped) = ZoneFileParser.Parse(file, origin, limits);
        records = parsed;
        errors.AddRange(parseErrors);
        if (stopped)
        {
            return null;
        }

        // The parse leaves its text and the records' grown-out arrays on the large object heap, which the builder's
        // small objects cannot reuse until a compacting collection gives the space back: without it a 1,000,000-record
        // zone peaks 60 MB higher (450 MB against 387). Below a few hundred thousand records that is less than the
        // collection costs.
        if (parsed.Count >= CompactAfterRecords)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        var zone = ZoneBuilder.Build(origin, file, parsed, errors);
        return errors.Any(e => !e.IsWarning) ? null : zone;
    }

    /// <summary>The commit id in a resolved path such as <c>/var/lib/endpoints/zones-sync/revs/COMMIT/zones</c>, if any.</summary>
    public static string? CommitOf(string resolved) =>
        resolved.Split('/').LastOrDefault(part => part.Length is 40 or 64 && part.All(char.IsAsciiHexDigitLower));

    public static bool OriginOf(string file, out DnsName origin, out string? error)
    {
        var name = Path.GetFileName(file);
        name = name[..^Extension.Length];
        if (!DnsName.TryParse(name.EndsWith('.') ? name : name + ".", null, out origin, out error))
        {
            error = $"file name does not give a zone origin: {error}";
            return false;
        }

        return true;
    }
}
