using Endpoints.DnsOverride.Catalogue;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Linting;

/// <summary>
/// Warns where a zone would deny, on its own word, a name AWS clients use (<see cref="AwsNameCatalogue"/>): NXDOMAIN or
/// NODATA for Streams under the DynamoDB zone, or for a bucket name in an S3 zone without its wildcard. A name that
/// keeps its upstream answer is fine in a transparent zone; a served one needs its records.
/// </summary>
internal static class CatalogueCoverage
{
    /// <summary>The warnings for <paramref name="zones"/>, each at its zone file's SOA line (<paramref name="soaLines"/>).</summary>
    public static List<ZoneError> Check(ZoneSet zones, IReadOnlyDictionary<string, int> soaLines)
    {
        var warnings = new List<ZoneError>();
        foreach (var zone in zones.Zones.OrderBy(z => z.Name, StringComparer.Ordinal))
        {
            var origin = zone.Name.TrimEnd('.');
            var probes = AwsRegion.All
                .SelectMany(region => AwsNameCatalogue.Forms.Where(f => f.AppliesTo(region)).Select(form => (form, pattern: form.PatternFor(region))))
                .Where(p => p.pattern.IsUnder(origin))
                .DistinctBy(p => p.pattern.Example, StringComparer.OrdinalIgnoreCase);
            foreach (var (form, pattern) in probes)
            {
                var result = default(LookupResult);
                zones.Lookup(DnsName.Parse(pattern.Example + ".").Key, RecordType.A, ref result);
                if (result.Outcome is not (LookupOutcome.NameError or LookupOutcome.NoData) || (!form.Served && zones.Transparent.Contains(zone.Origin)))
                {
                    continue;
                }

                var denial = result.Outcome == LookupOutcome.NameError ? "NXDOMAIN" : "no address (NODATA)";
                var fix = form.Served
                    ? $"it is served by the gateway endpoint, so give it records (`generate` writes them for {pattern.Text})"
                    : $"it keeps its upstream answer, so list the zone in {TransparentZonesReader.FileName}";
                warnings.Add(new ZoneError(zone.File, soaLines.GetValueOrDefault(zone.File),
                    $"zone {zone.Name} answers {denial} for {pattern.Example} ({(form.Service == "s3" ? "S3" : "DynamoDB")} {form.Form}), a name clients use: {fix}", IsWarning: true));
            }
        }

        return warnings;
    }
}
