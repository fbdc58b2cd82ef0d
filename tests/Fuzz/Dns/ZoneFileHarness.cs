using System.Text;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.Fuzz.Dns;

/// <summary>
/// The zone file reader and the zone builder, as <c>check</c> and every load run them. Each error names the file and a
/// line of it. A zone that loads, written back out record by record (owner, TTL, type and the RDATA in presentation
/// form), loads again to the same records: what the server answers is what the file says. $INCLUDE reads from an
/// empty folder, so a fuzzed input can name no file.
/// </summary>
internal sealed class ZoneFileHarness : IHarness
{
    private static readonly DnsName Origin = DnsName.Parse("fuzz.example.");

    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("zone-fuzz-").FullName, "fuzz.example.zone");

    public string Name => "zone-file";

    public void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var bound = AllocationBound.Start(input.Length);
        var (records, errors) = ZoneFileParser.ParseText(text, _file, Origin);
        var buildErrors = new List<ZoneError>();
        var zone = errors.Any(e => !e.IsWarning) ? null : ZoneBuilder.Build(Origin, _file, records, buildErrors);
        bound.Check(Name);
        var lines = text.Count('\n') + 1;
        foreach (var error in errors.Concat(buildErrors))
        {
            PropertyViolation.Unless(error.File == _file && error.Line >= 0 && error.Line <= lines, $"error at {error.File}:{error.Line} of {lines} lines: {error.Message}");
        }

        if (zone is null || buildErrors.Any(e => !e.IsWarning))
        {
            return;
        }

        var written = new StringBuilder();
        foreach (var record in records)
        {
            written.Append(record.Owner).Append(' ').Append(record.Ttl).Append(" IN ")
                .Append(RecordType.ToName(record.Type)).Append(' ').AppendLine(RdataFormatter.Format(record.Type, record.Rdata));
        }

        var (again, againErrors) = ZoneFileParser.ParseText(written.ToString(), _file, Origin);
        PropertyViolation.Unless(!againErrors.Any(e => !e.IsWarning), $"the zone written back does not load: {againErrors.FirstOrDefault(e => !e.IsWarning)?.Message}\n{written}");
        PropertyViolation.Unless(again.Count == records.Count, $"{records.Count} records written back load as {again.Count}");
        for (var i = 0; i < records.Count; i++)
        {
            PropertyViolation.Unless(
                again[i].Owner == records[i].Owner && again[i].Type == records[i].Type && again[i].Ttl == records[i].Ttl && again[i].Rdata.AsSpan().SequenceEqual(records[i].Rdata),
                $"record {i} written back as '{written.ToString().Split('\n')[i]}' loads differently");
        }
    }
}
