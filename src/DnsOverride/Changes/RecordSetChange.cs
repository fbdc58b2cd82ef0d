using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Changes;

/// <summary>One RRset that differs, its records in zone-file presentation; <see cref="Owner"/> relative to the zone (<c>@</c> for the apex).</summary>
internal sealed record RecordSetChange(
    string Owner, ushort Type, ChangeKind Kind, uint? OldTtl, uint? NewTtl, IReadOnlyList<string> OldData, IReadOnlyList<string> NewData)
{
    public string TypeName => RecordType.ToName(Type);

    /// <summary>One line, as a zone file would hold it: <c>www 60 IN A 10.200.0.10 -> 10.200.0.11</c>.</summary>
    public string Describe() => Kind switch
    {
        ChangeKind.Added => $"{Owner} {NewTtl} IN {TypeName} {Join(NewData)}",
        ChangeKind.Removed => $"{Owner} {OldTtl} IN {TypeName} {Join(OldData)}",
        ChangeKind.TtlChanged => $"{Owner} {OldTtl} -> {NewTtl} IN {TypeName} {Join(NewData)} (TTL only)",
        _ when OldTtl != NewTtl => $"{Owner} {OldTtl} -> {NewTtl} IN {TypeName} {Join(OldData)} -> {Join(NewData)}",
        _ => $"{Owner} {NewTtl} IN {TypeName} {Join(OldData)} -> {Join(NewData)}",
    };

    public static string Join(IReadOnlyList<string> data) => string.Join(", ", data);
}
