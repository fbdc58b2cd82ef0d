namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// A settings file of the zones folder (<c>lint.json</c>, <c>health.json</c>, <c>transparent.json</c>) that differs between two revisions:
/// its lines removed and added, what it loosens (lint rules that now let more through), and what fails the change.
/// </summary>
internal sealed record SettingsChange(string File, ChangeKind Kind, IReadOnlyList<string> Removed, IReadOnlyList<string> Added,
    IReadOnlyList<string> Loosened, IReadOnlyList<string> Errors);
