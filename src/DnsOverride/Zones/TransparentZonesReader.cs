using System.Text.Json;
using Endpoints.Common.Configuration;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Reads <c>transparent.json</c> in the zones folder strictly (FILE:LINE:COLUMN errors, all at once): the zones in
/// which a name the zone file does not have keeps its upstream answer instead of NXDOMAIN, as in Unbound's
/// <c>local-zone: transparent</c>. Streams (<c>streams.dynamodb.REGION.amazonaws.com</c>) is the case it is for: the
/// DynamoDB zone overrides its apex, and Streams is not carried by the gateway endpoint.
/// <code>{ "zones": ["dynamodb.us-east-1.amazonaws.com"] }</code>
/// Each entry must be a zone of the folder.
/// </summary>
internal sealed class TransparentZonesReader : StrictJsonFile
{
    public const string FileName = "transparent.json";

    private static readonly string[] TopKeys = ["zones"];

    private readonly List<(DnsName Zone, long Offset)> _zones = [];

    private TransparentZonesReader(string path, byte[] utf8)
        : base(path, utf8)
    {
    }

    /// <summary>The transparent zones of <paramref name="directory"/> among <paramref name="origins"/>; none when it has no such file.</summary>
    public static (IReadOnlyList<DnsName>? Zones, IReadOnlyList<string> Errors) ReadFolder(string directory, IReadOnlySet<DnsName> origins) =>
        ReadFolderFile<IReadOnlyList<DnsName>>(directory, FileName, [], (utf8, path) => Read(utf8, path, origins));

    public static (IReadOnlyList<DnsName>? Zones, IReadOnlyList<string> Errors) Read(byte[] utf8, string path, IReadOnlySet<DnsName> origins)
    {
        var reader = new TransparentZonesReader(path, utf8);
        if (!reader.IsUtf8(utf8))
        {
            return (null, reader.Errors);
        }

        var json = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                reader.Error(json.TokenStartIndex, "expected an object: { \"zones\": [\"dynamodb.us-east-1.amazonaws.com\"] }");
            }
            else
            {
                reader.ReadObject(ref json, TopKeys, reader.ReadZones);
            }
        }
        catch (JsonException ex)
        {
            return (null, [SyntaxError(path, ex)]);
        }

        foreach (var (zone, offset) in reader._zones.Where(z => !origins.Contains(z.Zone)))
        {
            reader.Error(offset, $"'{zone}' is not a zone of this folder (no {zone.ToString().TrimEnd('.')}.zone)");
        }

        return reader.Errors.Count > 0 ? (null, reader.Errors) : ([.. reader._zones.Select(z => z.Zone)], []);
    }

    private void ReadZones(ref Utf8JsonReader reader, string key) =>
        _zones.AddRange(ReadStrings(ref reader, key, (text, offset) =>
        {
            if (DnsName.TryParse(text.EndsWith('.') ? text : text + ".", null, out var name, out var error))
            {
                return (true, (name, offset));
            }

            Error(offset, $"'{text}' is not a zone name: {error}");
            return (false, default);
        }));
}
