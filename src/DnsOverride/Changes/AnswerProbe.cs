using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// What an edit does to answers, not only to RRsets: every name an edit can reach is asked for its address in both
/// revisions, as the servers would answer it, and the names whose answers differ are listed. Reached are the owners of
/// the changed RRsets and their ancestors (a new <c>_acme-challenge.mybucket TXT</c> turns <c>mybucket</c> from the
/// wildcard's addresses into an empty non-terminal), and the names below a changed wildcard, CNAME or delegation,
/// asked as one made-up name (<c>names under x</c>). Only changed names are asked: a one-record edit of a large zone
/// costs a few lookups.
/// </summary>
internal static class AnswerProbe
{
    /// <summary>A label no zone is expected to hold: it stands for every name under its parent that has no node of its own.</summary>
    private const string Unlisted = "\u0014endpoints-diff-probe";

    public static IReadOnlyList<AnswerChange> Compare(ZoneSet before, ZoneSet after, DnsName origin, IEnumerable<(string Owner, ushort Type)> changed)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var under = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (owner, type) in changed)
        {
            // A wildcard's own name is asked as "names under" its parent; its ancestors from there.
            var isWildcard = owner.Length > 1 && owner[0] == (char)1 && owner[1] == '*';
            for (var name = isWildcard ? owner[2..] : owner; name.Length >= origin.Key.Length; name = name[(name[0] + 1)..])
            {
                names.Add(name);
                if (name.Length == origin.Key.Length)
                {
                    break;
                }
            }

            if (isWildcard)
            {
                under.Add(owner[2..]);
            }
            else if (type is RecordType.CNAME or RecordType.NS or RecordType.A or RecordType.AAAA)
            {
                under.Add(owner);
            }
        }

        var changes = new List<AnswerChange>();
        foreach (var name in names)
        {
            Add(changes, before, after, name, DnsName.ToPresentation(name));
        }

        foreach (var parent in under)
        {
            Add(changes, before, after, $"{Unlisted}{parent}", $"names under {DnsName.ToPresentation(parent)}");
        }

        return changes;
    }

    private static void Add(List<AnswerChange> changes, ZoneSet before, ZoneSet after, string key, string label)
    {
        var was = Answer(before, key);
        var now = Answer(after, key);
        if (was != now)
        {
            changes.Add(new AnswerChange(label, was, now));
        }
    }

    /// <summary>The answer to an A query for <paramref name="key"/>, in words; AAAA records of the final name follow its A.</summary>
    private static string Answer(ZoneSet zones, string key)
    {
        var result = default(LookupResult);
        zones.Lookup(key, RecordType.A, ref result, followAcrossZones: true);
        var steps = new List<string>();
        for (var i = 0; i < result.AnswerCount; i++)
        {
            var set = result.Answers[i].Set;
            steps.Add($"{RecordType.ToName(set.Type)} {string.Join(", ", set.Rdatas.Select(r => RdataFormatter.Format(set.Type, r)).Order(StringComparer.Ordinal))}");
        }

        var tail = result.Outcome switch
        {
            LookupOutcome.NotAuthoritative => "not ours (forwarded)",
            LookupOutcome.NameError => "NXDOMAIN",
            LookupOutcome.NoData => "no A (NODATA)",
            LookupOutcome.Delegation when result.Referral is { } referral =>
                $"delegated to {string.Join(", ", referral.NameServers.Rdatas.Select(r => RdataFormatter.Format(RecordType.NS, r)).Order(StringComparer.Ordinal))}",
            LookupOutcome.ExternalCname => "leaves our zones",
            _ => null,
        };
        if (tail is not null)
        {
            steps.Add(tail);
        }

        return string.Join(" -> ", steps);
    }
}
