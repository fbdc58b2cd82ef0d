namespace Endpoints.DnsOverride.Zones;

/// <summary>The RRsets at one name. A node with no sets is an empty non-terminal.</summary>
internal sealed class ZoneNode
{
    public static readonly ZoneNode EmptyNonTerminal = new([]);

    // Most names have one RRset: it is held as itself, and only several take an array (a million names, 32 MB).
    private readonly RecordSet? _single;
    private readonly RecordSet[]? _several;

    /// <summary>A node of <paramref name="sets"/>, copied out (the builder reuses its list for every name).</summary>
    public ZoneNode(List<RecordSet> sets)
    {
        if (sets.Count == 1)
        {
            _single = sets[0];
        }
        else
        {
            _several = [.. sets];
        }
    }

    /// <summary>The same sets as <paramref name="node"/>, for a copy that adds the delegation.</summary>
    public ZoneNode(ZoneNode node)
    {
        _single = node._single;
        _several = node._several;
    }

    /// <summary>The sets in type order.</summary>
    public ReadOnlySpan<RecordSet> Sets => _several ?? new ReadOnlySpan<RecordSet>(in _single!);

    public RecordSet? Cname => Get(Protocol.RecordType.CNAME);

    /// <summary>Whether the name has an address to give (A or AAAA): glue, a health check's target.</summary>
    public bool HasAddresses => Get(Protocol.RecordType.A) is not null || Get(Protocol.RecordType.AAAA) is not null;

    /// <summary>Set when this node is a zone cut (NS below the apex).</summary>
    public Delegation? Delegation { get; init; }

    public RecordSet? Get(ushort type)
    {
        foreach (var set in Sets)
        {
            if (set.Type == type)
            {
                return set;
            }
        }

        return null;
    }
}
