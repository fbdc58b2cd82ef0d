namespace Endpoints.DnsOverride.Zones;

/// <summary>A problem found in a zone file, reported the way compilers and named-checkzone do.</summary>
internal sealed record ZoneError(string File, int Line, string Message, bool IsWarning = false)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}: {(IsWarning ? "warning: " : string.Empty)}{Message}" : $"{File}: {Message}";
}
