namespace Endpoints.DnsOverride.Changes;

/// <summary>What a change to the zones folder does: every zone compared, and the errors that fail it.</summary>
internal sealed record ChangeReport(string Against, IReadOnlyList<ZoneChange> Zones, IReadOnlyList<string> LoadErrors)
{
    /// <summary>The settings files of the folder that changed too (<see cref="SettingsDiffer"/>).</summary>
    public IReadOnlyList<SettingsChange> Settings { get; init; } = [];

    public IEnumerable<ZoneChange> Changed => Zones.Where(z => z.Kind is not null);

    public IEnumerable<string> Errors => LoadErrors.Concat(Zones.SelectMany(z => z.Errors)).Concat(Settings.SelectMany(s => s.Errors));

    public bool Failed => Errors.Any();

    public string Summary
    {
        get
        {
            var zones = Changed.Count();
            var sets = Changed.Sum(z => z.Sets.Count);
            var settings = string.Concat(Settings.Select(s => $", {s.File} {(s.Kind == ChangeKind.Added ? "added" : s.Kind == ChangeKind.Removed ? "removed" : "changed")}"));
            return $"{zones} zone{(zones == 1 ? string.Empty : "s")} changed, {sets} RRset{(sets == 1 ? string.Empty : "s")} changed{settings}";
        }
    }
}
