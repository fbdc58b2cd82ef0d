namespace Endpoints.DnsOverride.Zones;

/// <summary>The outcome of loading a zone directory: the new set, and what was wrong with each failed file.</summary>
internal sealed record ZoneLoadReport(ZoneSet Zones, IReadOnlyList<ZoneError> Errors, IReadOnlyList<string> FailedFiles, IReadOnlyList<string> KeptFiles)
{
    public bool Success => FailedFiles.Count == 0;
}
