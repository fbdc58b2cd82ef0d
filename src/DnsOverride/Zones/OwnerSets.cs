using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// One owner's RRsets from its records in a <see cref="ZoneRecords"/>, with the checks named-checkzone makes on them
/// (singleton types, SOA off the apex, wildcard NS, CNAME and other data, TTLs that differ within a set).
/// </summary>
internal static class OwnerSets
{
    /// <summary>
    /// One owner's RRsets in type order, from its records' indices in file order. Runs once per name of the zone, so
    /// it sorts and groups in place (an owner has a handful of records) rather than through LINQ, whose groupings
    /// cost a zone of a million names a gigabyte of garbage.
    /// </summary>
    public static void Build(
        DnsName origin, string key, ZoneRecords records, List<int> indices, List<int> unique, List<RecordSet> sets, List<ZoneError> errors)
    {
        // The owner as a name only for the messages: a name per owner would be a million objects of garbage.
        string Owner() => DnsName.FromKey(key).ToString();

        // CNAME and other data is reported at the later of the first of each, in file order, so found before sorting.
        var cname = -1;
        var other = -1;
        foreach (var i in indices)
        {
            var type = records.TypeOf(i);
            if (type == RecordType.CNAME)
            {
                cname = cname < 0 ? i : cname;
            }
            else if (type is not (RecordType.RRSIG or RecordType.NSEC))
            {
                other = other < 0 ? i : other;
            }
        }

        // Stable insertion sort by type: records of one type stay in file order, as the checks below report them.
        for (var i = 1; i < indices.Count; i++)
        {
            var index = indices[i];
            var j = i - 1;
            for (; j >= 0 && records.TypeOf(indices[j]) > records.TypeOf(index); j--)
            {
                indices[j + 1] = indices[j];
            }

            indices[j + 1] = index;
        }

        sets.Clear();
        for (var start = 0; start < indices.Count;)
        {
            var head = indices[start];
            var type = records.TypeOf(head);
            var ttl = records.TtlOf(head);
            var end = start + 1;
            while (end < indices.Count && records.TypeOf(indices[end]) == type)
            {
                end++;
            }

            unique.Clear();
            for (var k = start; k < end; k++)
            {
                var i = indices[k];
                if (Contains(records, unique, records.Rdata(i)))
                {
                    continue;
                }

                if (records.TtlOf(i) != ttl)
                {
                    errors.Add(new ZoneError(records.FileOf(i), records.LineOf(i), $"TTL set to prior TTL ({ttl})", IsWarning: true));
                }

                unique.Add(i);
            }

            if (type is RecordType.SOA or RecordType.CNAME && unique.Count > 1)
            {
                errors.Add(new ZoneError(records.FileOf(unique[1]), records.LineOf(unique[1]), $"{Owner()}: multiple RRs of singleton type"));
            }

            if (type == RecordType.SOA && key != origin.Key)
            {
                errors.Add(new ZoneError(records.FileOf(head), records.LineOf(head), $"SOA record not at top of zone ({Owner()})"));
            }

            if (type == RecordType.NS && key.StartsWith("\u0001*", StringComparison.Ordinal))
            {
                errors.Add(new ZoneError(records.FileOf(head), records.LineOf(head), $"{Owner()}: invalid NS owner name (wildcard)"));
            }

            sets.Add(Encode(records, unique, type, ttl));
            start = end;
        }

        if (cname >= 0 && other >= 0)
        {
            var later = records.LineOf(cname) >= records.LineOf(other) ? cname : other;
            errors.Add(new ZoneError(records.FileOf(later), records.LineOf(later), $"{Owner()}: CNAME and other data"));
        }
    }

    private static RecordSet Encode(ZoneRecords records, List<int> unique, ushort type, uint ttl)
    {
        var size = 0;
        foreach (var i in unique)
        {
            size += RecordSet.EncodedLength(records.Rdata(i));
        }

        var encoded = new byte[size];
        var offset = 0;
        var names = records.Target(unique[0]) is null ? null : new DnsName[unique.Count];
        var named = 0;
        foreach (var i in unique)
        {
            offset += RecordSet.Write(encoded.AsSpan(offset), type, ttl, records.Rdata(i));
            if (names is not null && records.Target(i) is { } name)
            {
                names[named++] = name;
            }
        }

        if (names is not null && named < names.Length)
        {
            Array.Resize(ref names, named);
        }

        return new RecordSet(type, ttl, encoded, unique.Count, names);
    }

    private static bool Contains(ZoneRecords records, List<int> unique, ReadOnlySpan<byte> rdata)
    {
        foreach (var i in unique)
        {
            if (records.Rdata(i).SequenceEqual(rdata))
            {
                return true;
            }
        }

        return false;
    }
}
