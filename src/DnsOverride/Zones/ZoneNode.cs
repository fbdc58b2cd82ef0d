namespace Endpoints.DnsOverride.Zones;

/// <summary>The RRsets at one name. A node with no sets is an empty non-terminal.</summary>
internal sealed class ZoneNode
{
    public static readonly ZoneNode EmptyNonTerminal = new([]);

    public ZoneNode(RecordSet[] sets)
    {
        Sets = sets;
        Cname = Find(sets, Protocol.RecordType.CNAME);
    }

    public RecordSet[] Sets { get; }

    public RecordSet? Cname { get; }

    /// <summary>Set when this node is a zone cut (NS below the apex).</summary>
    public Delegation? Delegation { get; init; }

    public RecordSet? Get(ushort type) => Find(Sets, type);

    private static RecordSet? Find(RecordSet[] sets, ushort type)
    {
        foreach (var set in sets)
        {
            if (set.Type == type)
            {
                return set;
            }
        }

        return null;
    }
}
