using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Checks parsed records the way named-checkzone does (SOA, NS, CNAME rules, glue) and builds the lookup tree.
/// </summary>
internal static class ZoneBuilder
{
    public static Zone? Build(DnsName origin, string file, IReadOnlyList<ResourceRecord> records, List<ZoneError> errors)
    {
        var firstError = errors.Count(e => !e.IsWarning);

        // Each owner's records are chained by index, not gathered into a list per owner: a zone of a million names
        // costs no million lists while it loads.
        var owners = new Dictionary<string, (int First, int Last)>(records.Count, StringComparer.Ordinal);
        var next = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            next[i] = -1;
            ref var chain = ref CollectionsMarshal.GetValueRefOrAddDefault(owners, records[i].Owner.Key, out var exists);
            if (exists)
            {
                next[chain.Last] = i;
                chain.Last = i;
            }
            else
            {
                chain = (i, i);
            }
        }

        var nodes = new Dictionary<string, ZoneNode>(owners.Count, StringComparer.Ordinal);
        var scratch = new List<ResourceRecord>();
        foreach (var (key, chain) in owners)
        {
            scratch.Clear();
            for (var i = chain.First; i >= 0; i = next[i])
            {
                scratch.Add(records[i]);
            }

            nodes[key] = new ZoneNode(BuildSets(origin, records[chain.First].Owner, scratch, errors));
        }

        if (!nodes.TryGetValue(origin.Key, out var apexNode) || apexNode.Get(RecordType.SOA) is not { } soa)
        {
            errors.Add(new ZoneError(file, 0, $"zone {origin}: no SOA record at the zone apex"));
            return null;
        }

        var apexNs = apexNode.Get(RecordType.NS);
        if (apexNs is null)
        {
            errors.Add(new ZoneError(file, 0, $"zone {origin}: no NS records at the zone apex"));
        }

        var hasDelegations = false;
        var lookup = nodes.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (key, chain) in owners)
        {
            var owner = records[chain.First].Owner;
            if (owner != origin && nodes[key].Get(RecordType.NS) is { } cut)
            {
                nodes[key] = new ZoneNode(nodes[key].Sets) { Delegation = new Delegation(owner, cut, Addresses(owner, cut, nodes)) };
                hasDelegations = true;
            }

            // Empty non-terminals up to the first name that exists (the apex always does), walked as key slices.
            ReadOnlySpan<char> parent = key;
            while (parent.Length > origin.Key.Length)
            {
                parent = parent[(parent[0] + 1)..];
                if (lookup.ContainsKey(parent))
                {
                    break;
                }

                lookup[parent] = ZoneNode.EmptyNonTerminal;
            }
        }

        CheckNameServers(origin, file, owners, records, nodes, errors);

        if (errors.Count(e => !e.IsWarning) > firstError)
        {
            return null;
        }

        var soaData = soa.Rdatas.First();
        var minimum = BinaryPrimitives.ReadUInt32BigEndian(soaData.AsSpan(soaData.Length - 4));
        var serial = BinaryPrimitives.ReadUInt32BigEndian(soaData.AsSpan(soaData.Length - 20));
        var negative = new RecordSet(RecordType.SOA, Math.Min(soa.Ttl, minimum), [soaData]);
        var nsAddresses = apexNs is null ? [] : Addresses(origin, apexNs, nodes);
        return new Zone(origin, file, nodes, negative, serial, hasDelegations, nsAddresses);
    }

    private static RecordSet[] BuildSets(DnsName origin, DnsName owner, List<ResourceRecord> records, List<ZoneError> errors)
    {
        var result = new List<RecordSet>();
        foreach (var group in records.GroupBy(r => r.Type).OrderBy(g => g.Key))
        {
            var first = group.First();
            var unique = new List<ResourceRecord>();
            foreach (var record in group)
            {
                if (unique.Any(u => u.Rdata.AsSpan().SequenceEqual(record.Rdata)))
                {
                    continue;
                }

                if (record.Ttl != first.Ttl)
                {
                    errors.Add(new ZoneError(record.File, record.Line, $"TTL set to prior TTL ({first.Ttl})", IsWarning: true));
                }

                unique.Add(record);
            }

            var type = group.Key;
            if (type is RecordType.SOA or RecordType.CNAME && unique.Count > 1)
            {
                errors.Add(new ZoneError(unique[1].File, unique[1].Line, $"{owner}: multiple RRs of singleton type"));
            }

            if (type == RecordType.SOA && owner != origin)
            {
                errors.Add(new ZoneError(first.File, first.Line, $"SOA record not at top of zone ({owner})"));
            }

            if (type == RecordType.NS && owner.Key.StartsWith("\u0001*", StringComparison.Ordinal))
            {
                errors.Add(new ZoneError(first.File, first.Line, $"{owner}: invalid NS owner name (wildcard)"));
            }

            result.Add(new RecordSet(type, first.Ttl, unique.Select(r => r.Rdata).ToList(), first.Target,
                first.Target is null ? null : unique.Where(r => r.Target is not null).Select(r => r.Target!).ToList()));
        }

        var cname = records.FirstOrDefault(r => r.Type == RecordType.CNAME);
        var other = records.FirstOrDefault(r => r.Type is not (RecordType.CNAME or RecordType.RRSIG or RecordType.NSEC));
        if (cname is not null && other is not null)
        {
            var later = cname.Line >= other.Line ? cname : other;
            errors.Add(new ZoneError(later.File, later.Line, $"{owner}: CNAME and other data"));
        }

        return [.. result];
    }

    /// <summary>
    /// Address records of the name servers at or below <paramref name="owner"/>: glue for a cut, or the additional
    /// data of an apex NS answer (BIND with minimal-responses adds nothing else).
    /// </summary>
    private static (DnsName, RecordSet)[] Addresses(DnsName owner, RecordSet nameServers, Dictionary<string, ZoneNode> nodes)
    {
        var glue = new List<(DnsName, RecordSet)>();
        foreach (var target in nameServers.Names.Where(n => n.IsAtOrBelow(owner)))
        {
            if (nodes.TryGetValue(target.Key, out var node))
            {
                glue.AddRange(node.Sets.Where(s => s.Type is RecordType.A or RecordType.AAAA).Select(s => (target, s)));
            }
        }

        return [.. glue];
    }

    private static void CheckNameServers(
        DnsName origin, string file, Dictionary<string, (int First, int Last)> owners, IReadOnlyList<ResourceRecord> records,
        Dictionary<string, ZoneNode> nodes, List<ZoneError> errors)
    {
        foreach (var (key, chain) in owners)
        {
            var owner = records[chain.First].Owner;
            var ns = nodes[key].Get(RecordType.NS);
            if (ns is null)
            {
                continue;
            }

            foreach (var target in ns.Names.Where(n => n.IsAtOrBelow(origin)))
            {
                var hasAddress = nodes.TryGetValue(target.Key, out var targetNode) &&
                    targetNode.Sets.Any(s => s.Type is RecordType.A or RecordType.AAAA);
                if (!hasAddress)
                {
                    // named-checkzone fails the zone for the apex, and only warns for missing glue below a cut.
                    errors.Add(new ZoneError(file, 0, $"{owner}/NS '{target}' has no address records (A or AAAA)", IsWarning: owner != origin));
                }
            }
        }
    }
}
