using System.Net;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Linting;

/// <summary>
/// The mistakes that matter for an override zone, each at the FILE:LINE of the record: an address outside the load
/// balancer's networks (a public one would send the company's S3 traffic elsewhere), a CNAME or delegation
/// that leads out of our zones (the names under it would leave the load balancer just the same), a zone that takes
/// over names outside the allowed suffixes, a TTL out of range, an apex that answers no address, an owner with a label
/// no AWS name has (not letters, digits and hyphens: a right-to-left override, a space; a warning outside AWS's
/// suffixes), and (a warning) a wildcard whose addresses differ from the apex's.
/// </summary>
internal static class ZoneLinter
{
    /// <summary>AWS's own name spaces: every name AWS serves under them is a host name (letters, digits, hyphens).</summary>
    private static readonly DnsName[] AwsSuffixes = [DnsName.Parse("amazonaws.com."), DnsName.Parse("amazonaws.com.cn."), DnsName.Parse("api.aws.")];

    private static readonly System.Buffers.SearchValues<char> HostCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary><paramref name="ours"/>: the origins of every zone served beside this one; targets inside them stay with us.</summary>
    public static List<ZoneError> Lint(DnsName origin, string file, IReadOnlyList<ResourceRecord> records, LintSettings settings, IReadOnlyCollection<DnsName>? ours = null)
    {
        var problems = new List<ZoneError>();
        var soa = records.FirstOrDefault(r => r.Type == RecordType.SOA && r.Owner == origin);
        var soaLine = soa?.Line ?? 0;
        if (!settings.Suffixes.Any(origin.IsAtOrBelow))
        {
            problems.Add(new ZoneError(soa?.File ?? file, soaLine,
                $"zone {origin} is not under an allowed suffix ({string.Join(", ", settings.Suffixes)}); lint.json 'suffixes' lists them"));
        }

        foreach (var record in records)
        {
            if (record.Ttl < settings.TtlMin || record.Ttl > settings.TtlMax)
            {
                problems.Add(new ZoneError(record.File, record.Line,
                    $"{record.Owner} {RecordType.ToName(record.Type)}: TTL {record.Ttl} is outside {settings.TtlMin}..{settings.TtlMax} (lint.json 'ttl')"));
            }

            if (record.Target is { } target && (record.Type == RecordType.CNAME || (record.Type == RecordType.NS && record.Owner != origin)) &&
                !target.IsAtOrBelow(origin) && ours?.Any(target.IsAtOrBelow) != true && !settings.Targets.Any(target.IsAtOrBelow))
            {
                problems.Add(new ZoneError(record.File, record.Line, record.Type == RecordType.NS
                    ? $"{record.Owner} NS {target} delegates {record.Owner} to a server outside our zones: names under it would not reach the load balancer (lint.json 'targets' lists allowed ones)"
                    : $"{record.Owner} {RecordType.ToName(record.Type)} {target} leads out of our zones: names under it would not reach the load balancer (lint.json 'targets' lists allowed ones)"));
            }

            if (record.Type is RecordType.A or RecordType.AAAA)
            {
                var address = new IPAddress(record.Rdata);
                if (!settings.Addresses.Any(n => n.Contains(address)))
                {
                    problems.Add(new ZoneError(record.File, record.Line, settings.AddressesGiven
                        ? $"{record.Owner} {RecordType.ToName(record.Type)} {address} is outside the allowed addresses ({string.Join(", ", settings.Addresses)}; lint.json 'addresses')"
                        : $"{record.Owner} {RecordType.ToName(record.Type)} {address} is not a private address (RFC 1918, CGNAT, ULA); list the load balancer's networks in lint.json 'addresses'"));
                }
            }
        }

        var aws = AwsSuffixes.Any(origin.IsAtOrBelow);
        foreach (var record in records.DistinctBy(r => r.Owner))
        {
            if (NonHostLabel(record.Owner) is { } label && (aws || !label.StartsWith('_')))
            {
                problems.Add(new ZoneError(record.File, record.Line, aws
                    ? $"{record.Owner}: the label '{Presentation(label)}' is not letters, digits and hyphens, which no AWS name has"
                    : $"{record.Owner}: the label '{Presentation(label)}' is not letters, digits and hyphens (a host name's), nor a '_' service label",
                    IsWarning: !aws));
            }
        }

        var apex = Addresses(records, origin);
        if (apex.Count == 0 && !records.Any(r => r.Owner == origin && r.Type == RecordType.CNAME))
        {
            problems.Add(new ZoneError(soa?.File ?? file, soaLine, $"zone {origin} does not answer its own name: no A, AAAA or CNAME at the apex"));
        }

        if (DnsName.TryParse("*", origin, out var wildcard, out _) && Addresses(records, wildcard) is { Count: > 0 } wild && !wild.SetEquals(apex))
        {
            var first = records.First(r => r.Owner == wildcard && r.Type is RecordType.A or RecordType.AAAA);
            problems.Add(new ZoneError(first.File, first.Line,
                $"{wildcard} answers {string.Join(", ", wild.Order(StringComparer.Ordinal))} but the apex {string.Join(", ", apex.Order(StringComparer.Ordinal))}: " +
                "a bucket name and the bare endpoint would reach different load balancers", IsWarning: true));
        }

        return problems;
    }

    /// <summary>The first label of <paramref name="owner"/> that is not LDH (RFC 1123 2.1), a lone leftmost <c>*</c> aside; null when all are.</summary>
    private static string? NonHostLabel(DnsName owner)
    {
        var key = owner.Key.AsSpan();
        for (var first = true; !key.IsEmpty; first = false)
        {
            var label = key.Slice(1, key[0]);
            key = key[(key[0] + 1)..];
            if (!(first && label is "*") && (label.IsEmpty || label.ContainsAnyExcept(HostCharacters)))
            {
                return label.ToString();
            }
        }

        return null;
    }

    /// <summary>One label as a zone file writes it (escaped), without the root's dot.</summary>
    private static string Presentation(string label) => DnsName.ToPresentation((char)label.Length + label)[..^1];

    private static HashSet<string> Addresses(IReadOnlyList<ResourceRecord> records, DnsName owner) =>
        records.Where(r => r.Owner == owner && r.Type is RecordType.A or RecordType.AAAA).Select(r => new IPAddress(r.Rdata).ToString()).ToHashSet(StringComparer.Ordinal);
}
