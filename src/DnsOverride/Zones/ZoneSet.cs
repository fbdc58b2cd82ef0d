using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// An immutable set of zones, swapped whole on reload. <see cref="Lookup"/> follows RFC 1034 4.3.2 with the
/// wildcard rules of RFC 4592, and allocates nothing.
/// </summary>
internal sealed class ZoneSet
{
    public static readonly ZoneSet Empty = new([]);

    private readonly Dictionary<string, Zone> _zones;
    private readonly Dictionary<string, Zone>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>The set of <paramref name="zones"/>; <paramref name="transparent"/> are those in which a missing name keeps its upstream answer (<see cref="TransparentZonesReader"/>).</summary>
    public ZoneSet(IEnumerable<Zone> zones, IEnumerable<DnsName>? transparent = null)
    {
        _zones = zones.ToDictionary(z => z.Origin.Key, StringComparer.Ordinal);
        _lookup = _zones.GetAlternateLookup<ReadOnlySpan<char>>();
        Transparent = new HashSet<DnsName>(transparent?.Where(t => _zones.ContainsKey(t.Key)) ?? []);
    }

    public IReadOnlyCollection<Zone> Zones => _zones.Values;

    /// <summary>The zones in which a name the zone does not have is forwarded, not answered NXDOMAIN.</summary>
    public IReadOnlySet<DnsName> Transparent { get; }

    public Zone? FindZoneExact(DnsName origin) => _zones.GetValueOrDefault(origin.Key);

    public Zone? FindZone(ReadOnlySpan<char> name)
    {
        while (true)
        {
            if (_lookup.TryGetValue(name, out var zone))
            {
                return zone;
            }

            if (name.IsEmpty)
            {
                return null;
            }

            name = name[(name[0] + 1)..];
        }
    }

    /// <summary>
    /// Looks up a name. A CNAME chain is followed within its zone; into another of our zones only when
    /// <paramref name="followAcrossZones"/> (a recursive query), since BIND stops at the zone boundary otherwise.
    /// </summary>
    public void Lookup(ReadOnlySpan<char> qname, ushort qtype, ref LookupResult result, bool followAcrossZones = false)
    {
        result.Outcome = LookupOutcome.NotAuthoritative;
        var name = qname;
        DnsName? owner = null;
        Span<char> wildcard = stackalloc char[DnsName.MaxWireLength + 2];
        while (true)
        {
            var zone = FindZone(name);
            if (zone is null || (owner is not null && zone != result.Zone && !followAcrossZones))
            {
                if (owner is not null)
                {
                    result.Outcome = LookupOutcome.ExternalCname;
                    result.ExternalTarget = owner;
                }

                return;
            }

            result.Zone = zone;
            result.QueryZone ??= zone;
            if (zone.HasDelegations && FindCut(zone, name) is { } cut)
            {
                result.Outcome = LookupOutcome.Delegation;
                result.Referral = cut;
                return;
            }

            var node = zone.Find(name);
            if (node is null)
            {
                var encloser = name[(name[0] + 1)..];
                while (zone.Find(encloser) is null)
                {
                    encloser = encloser[(encloser[0] + 1)..];
                }

                // A source of synthesis exists only directly below the closest encloser (RFC 4592 3.3.1).
                if (encloser.Length + 2 <= DnsName.MaxWireLength - 1)
                {
                    wildcard[0] = '\u0001';
                    wildcard[1] = '*';
                    encloser.CopyTo(wildcard[2..]);
                    node = zone.Find(wildcard[..(encloser.Length + 2)]);
                }

                if (node is null)
                {
                    result.Outcome = LookupOutcome.NameError;
                    return;
                }
            }

            if (node.Cname is { } cname && qtype != RecordType.CNAME)
            {
                result.Add(new AnswerStep(owner, cname));
                if (result.AnswerCount == LookupResult.MaxChain || cname.Target is null)
                {
                    result.Outcome = LookupOutcome.Answer;
                    return;
                }

                owner = cname.Target;
                name = owner.Key;
                continue;
            }

            var set = qtype == RecordType.ANY ? FirstForAny(node) : node.Get(qtype);
            if (set is null)
            {
                result.Outcome = LookupOutcome.NoData;
                return;
            }

            result.Add(new AnswerStep(owner, set));
            result.Outcome = LookupOutcome.Answer;
            return;
        }
    }

    /// <summary>The highest zone cut at or above <paramref name="name"/>, below the apex.</summary>
    private static Delegation? FindCut(Zone zone, ReadOnlySpan<char> name)
    {
        Delegation? cut = null;
        var apexLength = zone.Origin.Key.Length;
        while (name.Length > apexLength)
        {
            if (zone.Find(name)?.Delegation is { } delegation)
            {
                cut = delegation;
            }

            name = name[(name[0] + 1)..];
        }

        return cut;
    }

    // RFC 8482: answer ANY with one RRset rather than everything at the name.
    private static RecordSet? FirstForAny(ZoneNode node) => node.Sets.Length > 0 ? node.Sets[0] : null;
}
