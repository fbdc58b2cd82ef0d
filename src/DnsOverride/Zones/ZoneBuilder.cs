using System.Buffers.Binary;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Checks parsed records the way named-checkzone does (SOA, NS, CNAME rules, glue) and builds the lookup tree.
/// </summary>
internal static class ZoneBuilder
{
    public static Zone? Build(DnsName origin, string file, ZoneRecords records, List<ZoneError> errors)
    {
        var firstError = errors.Count(e => !e.IsWarning);

        // Records are taken owner by owner, in the order owners first appear: as the file has them when each owner's
        // records are together (as zone files are written), else in an order sorted by owner. No list per owner: a
        // zone of a million names costs no million lists while it loads.
        var owners = records.OwnerKeys;
        var order = records.OwnersTogether ? null : OwnerOrder(records);
        var nodes = new Dictionary<string, ZoneNode>(owners.Count, StringComparer.Ordinal);
        var nameServerOwners = new List<string>();
        var scratch = new List<int>();
        var unique = new List<int>();
        var sets = new List<RecordSet>();
        for (int owner = 0, k = 0; owner < owners.Count; owner++)
        {
            scratch.Clear();
            for (; k < records.Count && records.OwnerOf(order?[k] ?? k) == owner; k++)
            {
                scratch.Add(order?[k] ?? k);
            }

            OwnerSets.Build(origin, owners[owner], records, scratch, unique, sets, errors);
            var node = new ZoneNode(sets);
            nodes[owners[owner]] = node;
            if (node.Get(RecordType.NS) is not null)
            {
                nameServerOwners.Add(owners[owner]);
            }
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
        foreach (var key in nameServerOwners)
        {
            if (key != origin.Key)
            {
                var owner = DnsName.FromKey(key);
                var cut = nodes[key].Get(RecordType.NS)!;
                nodes[key] = new ZoneNode(nodes[key]) { Delegation = new Delegation(owner, cut, Addresses(owner, cut, nodes)) };
                hasDelegations = true;
            }
        }

        foreach (var key in owners)
        {
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

        CheckNameServers(origin, file, nameServerOwners, nodes, errors);

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

    /// <summary>Record indices sorted by owner (a counting sort: stable, so each owner's records stay in file order).</summary>
    private static int[] OwnerOrder(ZoneRecords records)
    {
        var starts = new int[records.OwnerKeys.Count + 1];
        for (var i = 0; i < records.Count; i++)
        {
            starts[records.OwnerOf(i) + 1]++;
        }

        for (var owner = 1; owner < starts.Length; owner++)
        {
            starts[owner] += starts[owner - 1];
        }

        var order = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            order[starts[records.OwnerOf(i)]++] = i;
        }

        return order;
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
                foreach (var set in node.Sets)
                {
                    if (set.Type is RecordType.A or RecordType.AAAA)
                    {
                        glue.Add((target, set));
                    }
                }
            }
        }

        return [.. glue];
    }

    private static void CheckNameServers(
        DnsName origin, string file, List<string> nameServerOwners, Dictionary<string, ZoneNode> nodes, List<ZoneError> errors)
    {
        foreach (var key in nameServerOwners)
        {
            var ns = nodes[key].Get(RecordType.NS)!;
            var owner = DnsName.FromKey(key);
            foreach (var target in ns.Names.Where(n => n.IsAtOrBelow(origin)))
            {
                var hasAddress = nodes.TryGetValue(target.Key, out var targetNode) && targetNode.HasAddresses;
                if (!hasAddress)
                {
                    // named-checkzone fails the zone for the apex, and only warns for missing glue below a cut.
                    errors.Add(new ZoneError(file, 0, $"{owner}/NS '{target}' has no address records (A or AAAA)", IsWarning: owner != origin));
                }
            }
        }
    }
}
