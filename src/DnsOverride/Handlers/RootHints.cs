using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// The root name servers as BIND's built-in hints name them. A resolver with nothing cached for a name it is not
/// authoritative for answers an RD=0 query with this referral (BIND does so with <c>forward only</c> too), which
/// tells the client nothing about what the upstreams have seen.
/// </summary>
internal static class RootHints
{
    /// <summary>The TTL BIND gives the hints' NS set.</summary>
    public const uint Ttl = 518400;

    public static RecordSet NameServers { get; } = Build();

    private static RecordSet Build()
    {
        var names = new List<DnsName>();
        var rdatas = new List<byte[]>();
        for (var letter = 'a'; letter <= 'm'; letter++)
        {
            DnsName.TryParse($"{letter}.root-servers.net.", null, out var name, out _);
            var rdata = new byte[name.WireLength];
            name.WriteTo(rdata);
            names.Add(name);
            rdatas.Add(rdata);
        }

        return new RecordSet(RecordType.NS, Ttl, rdatas, names: names);
    }
}
