using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>One loaded, validated, immutable zone.</summary>
internal sealed class Zone
{
    private readonly Dictionary<string, ZoneNode>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public Zone(
        DnsName origin, string file, Dictionary<string, ZoneNode> nodes, RecordSet negativeSoa, uint serial, bool hasDelegations,
        (DnsName Owner, RecordSet Addresses)[] nameServerAddresses)
    {
        NameServerAddresses = nameServerAddresses;
        ZeroTtlSoa = new RecordSet(RecordType.SOA, 0, negativeSoa.Rdatas.ToList());
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

    /// <summary>
    /// The SOA for NXDOMAIN answers to SOA queries: TTL 0, as BIND sends, so that a resolver does not cache
    /// it in place of the real SOA.
    /// </summary>
    public RecordSet ZeroTtlSoa { get; }

    /// <summary>Addresses of the apex name servers that live in this zone, sent as additional data with NS answers.</summary>
    public (DnsName Owner, RecordSet Addresses)[] NameServerAddresses { get; }

    public uint Serial { get; }

    public bool HasDelegations { get; }

    public ZoneNode? Find(ReadOnlySpan<char> key) => _lookup.TryGetValue(key, out var node) ? node : null;
}
