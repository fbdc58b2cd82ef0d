namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// A zone that differs between two revisions (<see cref="Kind"/> null: unchanged), with its RRset changes ordered
/// by name and type, the names whose answers change (<see cref="AnswerProbe"/>), and what is wrong with the change (a
/// serial not increased, too large a change).
/// </summary>
internal sealed record ZoneChange(
    string Zone, string File, ChangeKind? Kind, uint? OldSerial, uint? NewSerial, int OldSetCount,
    IReadOnlyList<RecordSetChange> Sets, IReadOnlyList<string> Errors)
{
    public IReadOnlyList<AnswerChange> Answers { get; init; } = [];
}
