using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Catalogue;

/// <summary>
/// The zone files for the catalogue's served forms (<see cref="AwsNameCatalogue"/>): one per zone, SOA and NS with
/// the name servers as glue, TTL 60, and each served owner (the apex, <c>*</c>) answering with the load balancer's
/// addresses. The text depends on the inputs alone (and the serial), so generating again changes nothing.
/// </summary>
internal static class ZoneGenerator
{
    public const uint Ttl = 60;

    /// <summary>The file name and text of each zone, with <paramref name="serial"/> as its SOA serial.</summary>
    public static IReadOnlyList<(string FileName, string Text)> Zones(IEnumerable<RegionZones> regions, IReadOnlyCollection<string> services, Func<string, uint> serial) =>
        [.. regions.SelectMany(region => AwsNameCatalogue.Zones(region.Region, services).Select(zone =>
            (zone.Zone + ZoneLoader.Extension, Text(zone.Zone, region, services, serial(zone.Zone)))))
            .OrderBy(file => file.Item1, StringComparer.Ordinal)];

    /// <summary>The zones of <paramref name="regions"/> that must be transparent (a name in them keeps its upstream answer).</summary>
    public static IReadOnlyList<string> Transparent(IEnumerable<RegionZones> regions, IReadOnlyCollection<string> services) =>
        [.. regions.SelectMany(region => AwsNameCatalogue.TransparentZones(region.Region, services)).Order(StringComparer.Ordinal)];

    private static string Text(string zone, RegionZones region, IReadOnlyCollection<string> services, uint serial)
    {
        var forms = AwsNameCatalogue.FormsIn(region.Region, services).Where(f => f.Served && f.PatternFor(region.Region).Zone == zone).ToList();
        var kept = AwsNameCatalogue.FormsIn(region.Region, services)
            .Where(f => !f.Served && f.PatternFor(region.Region).IsUnder(zone)).Select(f => $"{f.Form} ({f.PatternFor(region.Region)})").ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"; Zone {zone}: {region.Region} ({forms[0].Service}), written by `Endpoints.DnsOverride generate`; change its inputs, not this file.\n");
        foreach (var form in forms)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {form.Form}: {form.PatternFor(region.Region)}, {form.Why}.\n");
        }

        if (kept.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; Kept upstream (transparent.json): {string.Join(", ", kept)}.\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"$TTL {Ttl}\n");
        text.Append(CultureInfo.InvariantCulture, $"@       IN SOA  ns.{zone}. hostmaster.{zone}. (\n");
        text.Append(CultureInfo.InvariantCulture, $"                {serial} ; serial\n");
        text.Append("                1h         ; refresh\n                15m        ; retry\n                1w         ; expire\n");
        text.Append(CultureInfo.InvariantCulture, $"                {Ttl} )       ; negative-answer TTL (RFC 2308)\n");
        text.Append("        IN NS   ns\n");
        Addresses(text, "ns", region.NameServers);
        // The apex answers in every zone, also where clients only use names below it: check holds a zone to its own name.
        foreach (var owner in forms.Select(f => f.PatternFor(region.Region).Owner).Append("@").Distinct().OrderBy(o => o == "@" ? 0 : 1))
        {
            Addresses(text, owner, region.Addresses);
        }

        return text.ToString();
    }

    private static void Addresses(StringBuilder text, string owner, IReadOnlyList<IPAddress> addresses)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            var type = addresses[i].AddressFamily == AddressFamily.InterNetworkV6 ? "AAAA" : "A   ";
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? owner : string.Empty),-8}IN {type} {addresses[i]}\n");
        }
    }
}
