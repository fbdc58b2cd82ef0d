using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>Presentation back from wire form: exact for the types we read, and parsed again it gives the same RDATA.</summary>
public sealed class RdataFormatterTests
{
    [Theory]
    [InlineData("A 10.200.0.10", "10.200.0.10")]
    [InlineData("AAAA fd00:0:0::1", "fd00::1")]
    [InlineData("CNAME www", "www.example.com.")]
    [InlineData("NS ns.other.", "ns.other.")]
    [InlineData("MX 10 mail", "10 mail.example.com.")]
    [InlineData("SRV 1 2 443 host", "1 2 443 host.example.com.")]
    [InlineData("SOA ns h 7 1h 15m 1w 60", "ns.example.com. h.example.com. 7 3600 900 604800 60")]
    [InlineData("TXT \"a \\\"quoted\\\" \\\\ text\" two", "\"a \\\"quoted\\\" \\\\ text\" \"two\"")]
    [InlineData("TXT \"tab\\009end\\255\"", "\"tab\\009end\\255\"")]
    [InlineData("CAA 0 issue \"amazon.com\"", "0 issue \"amazon.com\"")]
    [InlineData("TYPE65280 \\# 3 ABCDEF", "\\# 3 abcdef")]
    public void FormatsAsZoneFilesWriteIt(string record, string presentation)
    {
        var (type, rdata) = Parse(record);

        Assert.Equal(presentation, RdataFormatter.Format(type, rdata));
    }

    [Fact]
    public void EveryRecordOfTheTestZonesSurvivesTheRoundTrip()
    {
        var checkedRecords = 0;
        foreach (var zone in ZoneFixtures.TestZones().Zones)
        {
            foreach (var set in zone.Nodes.Values.SelectMany(n => n.Sets.ToArray()))
            {
                foreach (var rdata in set.Rdatas)
                {
                    var text = RdataFormatter.Format(set.Type, rdata);
                    var (_, again) = Parse($"{RecordType.ToName(set.Type)} {text}");
                    Assert.True(again.SequenceEqual(rdata), $"{RecordType.ToName(set.Type)} {text}");
                    checkedRecords++;
                }
            }
        }

        Assert.True(checkedRecords > 50, $"only {checkedRecords} records");
    }

    private static (ushort Type, byte[] Rdata) Parse(string record)
    {
        var text = $"$TTL 60\nx {record}\n";
        var (records, errors) = ZoneFileParser.ParseText(text, "example.com.zone", DnsName.Parse("example.com."));
        Assert.Empty(errors);
        var parsed = Assert.Single(records);
        return (parsed.Type, parsed.Rdata);
    }
}
