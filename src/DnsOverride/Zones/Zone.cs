using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>One loaded, validated, immutable zone.</summary>
public sealed class Zone
{
    private readonly Dictionary<string, ZoneNode>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public Zone(DnsName origin, string file, Dictionary<string, ZoneNode> nodes, RecordSet negativeSoa, uint serial, bool hasDelegations)
    {
        Origin = origin;
        Name = origin.ToString();
        File = file;
        Nodes = nodes;
        NegativeSoa = negativeSoa;
        Serial = serial;
        HasDelegations = hasDelegations;
        _lookup = nodes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public DnsName Origin { get; }

    /// <summary>Presentation name, cached for logs and metric tags.</summary>
    public string Name { get; }

    public string File { get; }

    public IReadOnlyDictionary<string, ZoneNode> Nodes { get; }

    /// <summary>The SOA for negative answers: TTL is min(SOA TTL, MINIMUM) as RFC 2308 section 3 asks.</summary>
    public RecordSet NegativeSoa { get; }

    public uint Serial { get; }

    public bool HasDelegations { get; }

    public ZoneNode? Find(ReadOnlySpan<char> key) => _lookup.TryGetValue(key, out var node) ? node : null;
}
