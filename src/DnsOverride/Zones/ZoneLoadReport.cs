namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// The outcome of loading a zone directory: the new set, what was wrong with each failed file, and the git commit
/// the files came from when the folder is a revision exported by <c>deploy/zones-sync</c> (<c>revs/COMMIT/zones</c>).
/// </summary>
internal sealed record ZoneLoadReport(ZoneSet Zones, IReadOnlyList<ZoneError> Errors, IReadOnlyList<string> FailedFiles, IReadOnlyList<string> KeptFiles)
{
    public string? Commit { get; init; }

    public bool Success => FailedFiles.Count == 0;
}
