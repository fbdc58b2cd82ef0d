namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// A name whose answer to an address query differs between two revisions, in words: <c>A 10.200.0.10</c>,
/// <c>CNAME attacker.example.net.</c>, <c>delegated to ns.evil.test.</c>, <c>no A (NODATA)</c>, <c>NXDOMAIN</c>.
/// <see cref="Name"/> is a name of the zone, or <c>names under x.example.</c> for the names a wildcard or a
/// delegation answers.
/// </summary>
internal sealed record AnswerChange(string Name, string Before, string After)
{
    public string Describe() => $"{Name}: {Before} -> {After}";
}
