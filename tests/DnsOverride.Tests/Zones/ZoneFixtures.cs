using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Zones;

internal static class ZoneFixtures
{
    public static Zone Parse(string origin, string text)
    {
        var name = DnsName.Parse(origin);
        var (records, parseErrors) = ZoneFileParser.ParseText(text, origin.TrimEnd('.') + ".zone", name);
        var errors = parseErrors.ToList();
        var zone = ZoneBuilder.Build(name, origin.TrimEnd('.') + ".zone", records, errors);
        Assert.True(zone is not null && errors.All(e => e.IsWarning), string.Join("\n", errors));
        return zone;
    }

    public static ZoneSet TestZones() => new(
    [
        Parse("example.test.", File.ReadAllText(Path.Combine(Integration.TestZones.TestZoneDirectory, "example.test.zone"))),
        Parse("other.test.", File.ReadAllText(Path.Combine(Integration.TestZones.TestZoneDirectory, "other.test.zone"))),
    ]);
}
