using System.Buffers.Binary;
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
        var byOwner = new Dictionary<DnsName, List<ResourceRecord>>();
        foreach (var record in records)
        {
            if (!byOwner.TryGetValue(record.Owner, out var list))
            {
                byOwner[record.Owner] = list = [];
            }

            list.Add(record);
        }

        var nodes = new Dictionary<string, ZoneNode>(StringComparer.Ordinal);
        var sets = new Dictionary<DnsName, RecordSet[]>();
        foreach (var (owner, list) in byOwner)
        {
            sets[owner] = BuildSets(origin, owner, list, errors);
        }

        if (!sets.TryGetValue(origin, out var apex) || !apex.Any(s => s.Type == RecordType.SOA))
        {
            errors.Add(new ZoneError(file, 0, $"zone {origin}: no SOA record at the zone apex"));
            return null;
        }

        if (!apex.Any(s => s.Type == RecordType.NS))
        {
            errors.Add(new ZoneError(file, 0, $"zone {origin}: no NS records at the zone apex"));
        }

        foreach (var (owner, ownerSets) in sets)
        {
            var delegation = owner != origin ? ownerSets.FirstOrDefault(s => s.Type == RecordType.NS) : null;
            nodes[owner.Key] = new ZoneNode(ownerSets)
            {
                Delegation = delegation is null ? null : new Delegation(owner, delegation, Addresses(owner, delegation, sets)),
            };
            for (var parent = owner.Parent; parent.IsAtOrBelow(origin) && !nodes.ContainsKey(parent.Key) && !sets.ContainsKey(parent); parent = parent.Parent)
            {
                nodes[parent.Key] = ZoneNode.EmptyNonTerminal;
                if (parent == origin)
                {
                    break;
                }
            }
        }

        CheckNameServers(origin, file, sets, errors);

        if (errors.Count(e => !e.IsWarning) > firstError)
        {
            return null;
        }

        var soa = apex.First(s => s.Type == RecordType.SOA);
        var soaData = soa.Rdatas.First();
        var minimum = BinaryPrimitives.ReadUInt32BigEndian(soaData.AsSpan(soaData.Length - 4));
        var serial = BinaryPrimitives.ReadUInt32BigEndian(soaData.AsSpan(soaData.Length - 20));
        var negative = new RecordSet(RecordType.SOA, Math.Min(soa.Ttl, minimum), [soaData]);
        var apexNs = apex.FirstOrDefault(s => s.Type == RecordType.NS);
        var nsAddresses = apexNs is null ? [] : Addresses(origin, apexNs, sets);
        return new Zone(origin, file, nodes, negative, serial, nodes.Values.Any(n => n.Delegation is not null), nsAddresses);
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
                unique.Where(r => r.Target is not null).Select(r => r.Target!).ToList()));
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
    private static (DnsName, RecordSet)[] Addresses(DnsName owner, RecordSet nameServers, Dictionary<DnsName, RecordSet[]> sets)
    {
        var glue = new List<(DnsName, RecordSet)>();
        foreach (var target in nameServers.Names.Where(n => n.IsAtOrBelow(owner)))
        {
            if (sets.TryGetValue(target, out var targetSets))
            {
                glue.AddRange(targetSets.Where(s => s.Type is RecordType.A or RecordType.AAAA).Select(s => (target, s)));
            }
        }

        return [.. glue];
    }

    private static void CheckNameServers(DnsName origin, string file, Dictionary<DnsName, RecordSet[]> sets, List<ZoneError> errors)
    {
        foreach (var (owner, ownerSets) in sets)
        {
            var ns = ownerSets.FirstOrDefault(s => s.Type == RecordType.NS);
            if (ns is null)
            {
                continue;
            }

            foreach (var target in ns.Names.Where(n => n.IsAtOrBelow(origin)))
            {
                var hasAddress = sets.TryGetValue(target, out var targetSets) &&
                    targetSets.Any(s => s.Type is RecordType.A or RecordType.AAAA);
                if (!hasAddress)
                {
                    // named-checkzone fails the zone for the apex, and only warns for missing glue below a cut.
                    errors.Add(new ZoneError(file, 0, $"{owner}/NS '{target}' has no address records (A or AAAA)", IsWarning: owner != origin));
                }
            }
        }
    }
}
