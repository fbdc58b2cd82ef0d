using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// Compares two loaded zone sets RRset by RRset, as the servers would answer them, and judges the change: a zone
/// whose content changed needs a higher SOA serial (RFC 1982), and removing a zone or more than 30 % of the RRsets
/// of a zone of 10 or more is refused unless allowed (octoDNS's safety threshold).
/// </summary>
internal static class ZoneDiffer
{
    public const double LargeChangeShare = 0.3;
    public const int LargeChangeMinSets = 10;

    public static IReadOnlyList<ZoneChange> Compare(ZoneSet before, ZoneSet after, bool allowLargeChange, DateOnly today)
    {
        var old = before.Zones.ToDictionary(z => z.Origin.Key, StringComparer.Ordinal);
        var current = after.Zones.ToDictionary(z => z.Origin.Key, StringComparer.Ordinal);
        var changes = new List<ZoneChange>();
        foreach (var key in old.Keys.Union(current.Keys).OrderBy(CanonicalOrder.SortKey, StringComparer.Ordinal))
        {
            old.TryGetValue(key, out var was);
            current.TryGetValue(key, out var now);
            changes.Add(Compare(before, after, was, now, allowLargeChange, today));
        }

        return changes;
    }

    private static ZoneChange Compare(ZoneSet before, ZoneSet after, Zone? was, Zone? now, bool allowLargeChange, DateOnly today)
    {
        var zone = (now ?? was)!;
        var oldSets = was is null ? [] : SetsOf(was);
        var newSets = now is null ? [] : SetsOf(now);
        var changed = new List<((string Owner, ushort Type) Key, RecordSetChange Change)>();
        foreach (var key in oldSets.Keys.Union(newSets.Keys))
        {
            oldSets.TryGetValue(key, out var oldSet);
            newSets.TryGetValue(key, out var newSet);
            if (Change(zone.Origin, key, oldSet, newSet) is { } change)
            {
                changed.Add((key, change));
            }
        }

        // Only what changed is sorted: a one-record edit of a large zone costs one comparison per RRset.
        var sets = changed.OrderBy(c => CanonicalOrder.SortKey(c.Key.Owner), StringComparer.Ordinal).ThenBy(c => c.Key.Type).Select(c => c.Change).ToList();

        var errors = new List<string>();
        ChangeKind? kind = was is null ? ChangeKind.Added : now is null ? ChangeKind.Removed : sets.Count > 0 ? ChangeKind.Changed : null;
        if (kind == ChangeKind.Removed && !allowLargeChange)
        {
            errors.Add($"{zone.File}: zone {zone.Name} is removed; pass --allow-large-change if that is intended");
        }

        if (kind == ChangeKind.Changed)
        {
            var soaKey = (zone.Origin.Key, RecordType.SOA);
            if (ContentChanged(sets, oldSets[soaKey], newSets[soaKey]) && !SerialNumber.IsAfter(now!.Serial, was!.Serial))
            {
                errors.Add($"{now.File}: zone {now.Name} changed but its SOA serial did not increase ({was.Serial} -> {now.Serial}); " +
                    $"use {SerialNumber.Suggest(was.Serial, today)}");
            }

            var large = sets.Count(s => s.Kind != ChangeKind.Added);
            if (!allowLargeChange && oldSets.Count >= LargeChangeMinSets && large > LargeChangeShare * oldSets.Count)
            {
                errors.Add($"{now!.File}: zone {now.Name}: {large} of {oldSets.Count} RRsets removed or changed " +
                    $"({100 * large / oldSets.Count} %, over the {LargeChangeShare:P0} safety threshold); pass --allow-large-change if that is intended");
            }
        }

        var answers = kind == ChangeKind.Changed ? AnswerProbe.Compare(before, after, zone.Origin, changed.Select(c => c.Key)) : [];
        return new ZoneChange(zone.Name, zone.File, kind, was?.Serial, now?.Serial, oldSets.Count, sets, errors) { Answers = answers };
    }

    private static RecordSetChange? Change(DnsName origin, (string Owner, ushort Type) key, RecordSet? before, RecordSet? after)
    {
        // Same wire form (records and TTL, in order): unchanged, with no formatting; most of a zone takes this path.
        if (before is not null && after is not null && before.Encoded.AsSpan().SequenceEqual(after.Encoded))
        {
            return null;
        }

        var owner = Relative(key.Owner, origin);
        if (before is null)
        {
            return new RecordSetChange(owner, key.Type, ChangeKind.Added, null, after!.Ttl, [], Present(after));
        }

        if (after is null)
        {
            return new RecordSetChange(owner, key.Type, ChangeKind.Removed, before.Ttl, null, Present(before), []);
        }

        var oldData = Present(before);
        var newData = Present(after);
        if (oldData.SequenceEqual(newData))
        {
            return before.Ttl == after.Ttl ? null : new RecordSetChange(owner, key.Type, ChangeKind.TtlChanged, before.Ttl, after.Ttl, oldData, newData);
        }

        return new RecordSetChange(owner, key.Type, ChangeKind.Changed, before.Ttl, after.Ttl, oldData, newData);
    }

    /// <summary>Whether anything changed but the serial: then clients may be holding the old data under the old serial.</summary>
    private static bool ContentChanged(List<RecordSetChange> sets, RecordSet before, RecordSet after)
    {
        if (sets.Any(s => s.Type != RecordType.SOA))
        {
            return true;
        }

        var oldSoa = before.Rdatas.First();
        var newSoa = after.Rdatas.First();

        // The serial is the first of the five numbers that end the SOA RDATA.
        return before.Ttl != after.Ttl || oldSoa.Length != newSoa.Length ||
            !oldSoa.AsSpan(0, oldSoa.Length - 20).SequenceEqual(newSoa.AsSpan(0, newSoa.Length - 20)) ||
            !oldSoa.AsSpan(oldSoa.Length - 16).SequenceEqual(newSoa.AsSpan(newSoa.Length - 16));
    }

    private static Dictionary<(string Owner, ushort Type), RecordSet> SetsOf(Zone zone)
    {
        var sets = new Dictionary<(string, ushort), RecordSet>();
        foreach (var (key, node) in zone.Nodes)
        {
            foreach (var set in node.Sets)
            {
                sets[(key, set.Type)] = set;
            }
        }

        return sets;
    }

    /// <summary>The records in presentation, sorted, so that two revisions compare whatever their order in the file.</summary>
    private static List<string> Present(RecordSet set) =>
        set.Rdatas.Select(r => RdataFormatter.Format(set.Type, r)).Order(StringComparer.Ordinal).ToList();

    private static string Relative(string key, DnsName origin)
    {
        if (key == origin.Key)
        {
            return "@";
        }

        var relative = key[..^origin.Key.Length];
        return DnsName.ToPresentation(relative)[..^1];
    }
}
