using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Endpoints.Common.Text;
using Endpoints.DnsOverride.Catalogue;
using Endpoints.DnsOverride.Linting;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Cli;

/// <summary>
/// <c>generate --region R... --address [R=]IP... [--ns-address [R=]IP...] [--services s3,dynamodb] [--out DIR] [--force]</c>:
/// writes the zones that override every served name form of each region (<see cref="AwsNameCatalogue"/>) and lists in
/// transparent.json the zones that hold a name which must keep its upstream answer. An address with <c>R=</c> is
/// region R's; one without is every region's that has none of its own. Every input error is reported at once and
/// nothing is written. A file that would change (hand-edited, or other inputs) is replaced only with
/// <c>--force</c>, taking the next serial; what is unchanged is not touched. Files go to a temporary folder first
/// and are moved into place, so a failure never leaves half a zone.
/// </summary>
internal static partial class GenerateCommand
{
    public static int Run(IReadOnlyDictionary<string, string?> settings, string directory, DateOnly today, TextWriter output, TextWriter error)
    {
        var errors = new List<string>();
        var services = (settings.GetValueOrDefault("Generate:Services") ?? string.Join(',', AwsNameCatalogue.Services))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).Distinct().ToList();
        errors.AddRange(services.Where(s => !AwsNameCatalogue.Services.Contains(s))
            .Select(s => $"--services: unknown service '{s}'{Suggestion.DidYouMean(s, AwsNameCatalogue.Services)} (known: {string.Join(", ", AwsNameCatalogue.Services)})"));
        var regions = Repeated(settings, "Generate:Region").Select(name => (name, region: AwsRegion.Find(name))).ToList();
        errors.AddRange(regions.Where(r => r.region is null)
            .Select(r => $"--region: unknown region '{r.name}'{Suggestion.DidYouMean(r.name, AwsRegion.All.Select(a => a.Name))}"));
        if (regions.Count == 0)
        {
            errors.Add("generate needs --region (repeatable)");
        }

        var known = regions.Select(r => r.region).OfType<AwsRegion>().Distinct().ToList();
        var addresses = Addresses(Repeated(settings, "Generate:Address"), "--address", known, errors);
        var nameServers = Addresses(Repeated(settings, "Generate:NsAddress"), "--ns-address", known, errors);
        var inputs = new List<RegionZones>();
        foreach (var region in known)
        {
            var lb = addresses.GetValueOrDefault(region) ?? [];
            if (lb.Count == 0)
            {
                errors.Add($"--address: no address for {region} (give --address IP, or --address {region}=IP with several regions)");
            }

            inputs.Add(new RegionZones(region, lb, nameServers.GetValueOrDefault(region) ?? lb));
        }

        if (errors.Count > 0)
        {
            Report(errors, error);
            return 2;
        }

        return Write(directory, inputs, services, today, settings.GetValueOrDefault("Generate:Force") == "true", output, error);
    }

    private static int Write(string directory, List<RegionZones> inputs, List<string> services, DateOnly today, bool force, TextWriter output, TextWriter error)
    {
        var todaySerial = uint.Parse(today.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) * 100;
        var errors = new List<string>();
        var planned = new List<(string Path, string Text)>();
        var unchanged = 0;
        foreach (var (name, template) in ZoneGenerator.Zones(inputs, services, _ => 0))
        {
            var path = Path.Combine(directory, name);
            var existing = File.Exists(path) ? File.ReadAllText(path) : null;
            var existingSerial = existing is null ? null : SerialOf(existing);
            if (existing is not null && existingSerial is { } kept && WithSerial(template, kept) == existing)
            {
                unchanged++;
                continue;
            }

            if (existing is not null && !force)
            {
                errors.Add($"{path}: exists and differs from what generate writes (hand-edited, or other inputs); `diff` shows the change, --force replaces it");
                continue;
            }

            planned.Add((path, WithSerial(template, Math.Max(todaySerial, (existingSerial ?? 0) + 1))));
        }

        var transparent = TransparentFile(directory, ZoneGenerator.Transparent(inputs, services), force, errors);
        if (transparent is { } file)
        {
            planned.Add(file);
        }

        if (errors.Count > 0)
        {
            Report(errors, error);
            return 1;
        }

        // Staged beside the zones (one file system, so each move is a rename), and moved in only once all are written.
        var staging = Path.Combine(directory, $".generate-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var (path, text) in planned)
            {
                File.WriteAllText(Path.Combine(staging, Path.GetFileName(path)), text);
            }

            foreach (var (path, _) in planned)
            {
                File.Move(Path.Combine(staging, Path.GetFileName(path)), path, overwrite: true);
                output.WriteLine($"{path}: written");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{directory}: cannot write: {ex.Message}");
            return 1;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        output.WriteLine($"{planned.Count} files written, {unchanged} unchanged, in {directory}");
        return 0;
    }

    /// <summary>transparent.json with the zones it already lists and <paramref name="zones"/>; null when nothing changes.</summary>
    private static (string Path, string Text)? TransparentFile(string directory, IReadOnlyList<string> zones, bool force, List<string> errors)
    {
        var path = Path.Combine(directory, TransparentZonesReader.FileName);
        var listed = new List<string>();
        if (File.Exists(path))
        {
            var origins = Directory.GetFiles(directory, "*" + ZoneLoader.Extension)
                .Select(f => ZoneLoader.OriginOf(f, out var origin, out _) ? origin : null).OfType<Protocol.DnsName>()
                .Concat(zones.Select(z => Protocol.DnsName.Parse(z + "."))).ToHashSet();
            var (read, readErrors) = TransparentZonesReader.Read(File.ReadAllBytes(path), path, origins);
            errors.AddRange(readErrors);
            listed.AddRange(read?.Select(z => z.ToString().TrimEnd('.')) ?? []);
        }

        var all = listed.Concat(zones).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        if (all.Count == 0 || (listed.Count > 0 && all.Count == listed.Count))
        {
            return null;
        }

        if (listed.Count > 0 && !force)
        {
            errors.Add($"{path}: would list {string.Join(", ", all.Except(listed, StringComparer.OrdinalIgnoreCase))} too; --force adds them");
        }

        var entries = string.Join(",\n", all.Select(z => $"    \"{z}\""));
        return (path, "{\n  // Zones in which a name the zone file does not have keeps its upstream answer (forwarded) instead of\n" +
            "  // NXDOMAIN: DynamoDB Streams lives under the DynamoDB zone, and the gateway endpoint does not serve it.\n" +
            $"  \"zones\": [\n{entries}\n  ]\n}}\n");
    }

    /// <summary>Addresses by region: <c>R=IP</c> for region R, a bare IP for every region given none of its own.</summary>
    private static Dictionary<AwsRegion, List<IPAddress>> Addresses(IEnumerable<string> values, string flag, List<AwsRegion> regions, List<string> errors)
    {
        var own = new Dictionary<AwsRegion, List<IPAddress>>();
        var shared = new List<IPAddress>();
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var text = equals < 0 ? value : value[(equals + 1)..];
            // IPAddress.TryParse takes the inet_aton forms too ("10.0.0" is 10.0.0.0): a dotted quad or IPv6 only.
            if (!IPAddress.TryParse(text, out var address) || (!text.Contains(':', StringComparison.Ordinal) && text.Count(c => c == '.') != 3))
            {
                errors.Add($"{flag}: '{value}' is not an IP address");
                continue;
            }

            if (!LintSettings.PrivateNetworks.Any(n => n.Contains(address)))
            {
                errors.Add($"{flag}: {address} is not a private address (RFC 1918, CGNAT, ULA): the zones would send clients' traffic to the internet");
                continue;
            }

            if (equals < 0)
            {
                shared.Add(address);
            }
            else if (regions.Find(r => r.Name.Equals(value[..equals], StringComparison.OrdinalIgnoreCase)) is { } region)
            {
                (own.TryGetValue(region, out var list) ? list : own[region] = []).Add(address);
            }
            else
            {
                errors.Add($"{flag}: '{value[..equals]}' is not a --region given");
            }
        }

        foreach (var region in regions.Where(r => !own.ContainsKey(r) && shared.Count > 0))
        {
            own[region] = shared;
        }

        return own;
    }

    private static IEnumerable<string> Repeated(IReadOnlyDictionary<string, string?> settings, string key) =>
        settings.Where(s => s.Key.StartsWith(key + ":", StringComparison.Ordinal) && s.Value is not null)
            .OrderBy(s => int.Parse(s.Key[(key.Length + 1)..], CultureInfo.InvariantCulture)).Select(s => s.Value!);

    private static uint? SerialOf(string text) =>
        SerialLine().Match(text) is { Success: true } match && uint.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var serial) ? serial : null;

    private static string WithSerial(string text, uint serial) =>
        SerialLine().Replace(text, m => m.Value.Replace(m.Groups[1].Value, serial.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), 1);

    private static void Report(List<string> errors, TextWriter error)
    {
        foreach (var problem in errors)
        {
            error.WriteLine(problem);
        }

        error.WriteLine("nothing written");
    }

    [GeneratedRegex(@"^\s+(\d+) ; serial$", RegexOptions.Multiline)]
    private static partial Regex SerialLine();
}
