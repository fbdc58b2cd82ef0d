using System.Net;
using Endpoints.DnsOverride.Catalogue;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Linting;

/// <summary>
/// What <c>check</c> holds the zones to beyond loading (<c>zones/lint.json</c>): where addresses may point, which
/// names the zones may take over, a sane TTL range, and the names outside our zones that a CNAME may point
/// at or a delegation may name as its server (<see cref="Targets"/>, none by default). The defaults hold without the file.
/// </summary>
internal sealed record LintSettings(IReadOnlyList<IPNetwork> Addresses, IReadOnlyList<DnsName> Suffixes, uint TtlMin, uint TtlMax, bool AddressesGiven)
{
    /// <summary>
    /// The ports health.json may probe on the zones' addresses: the load balancer's (the proxies' TLS, HTTP and health
    /// ports by default), so a zone edit cannot make every DNS server knock on arbitrary services.
    /// </summary>
    public IReadOnlyList<int> Ports { get; init; } = [443, 80, 8080];

    /// <summary>Names (and everything below them) outside our zones that CNAME and delegation targets may be.</summary>
    public IReadOnlyList<DnsName> Targets { get; init; } = [];

    public const string FileName = "lint.json";

    /// <summary>Private ranges (RFC 1918, CGNAT, ULA): a public address would send the company's S3 traffic elsewhere.</summary>
    public static readonly IPNetwork[] PrivateNetworks =
        [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("fc00::/7")];

    /// <summary>The service names of the partitions <c>generate</c> knows (commercial and GovCloud share one suffix, China has its own).</summary>
    public static LintSettings Default { get; } = new(
        PrivateNetworks, [.. new[] { AwsPartition.Aws, AwsPartition.China, AwsPartition.GovCloud }.Select(p => p.DnsSuffix).Distinct().Select(s => DnsName.Parse(s + "."))],
        5, 86400, AddressesGiven: false);
}
