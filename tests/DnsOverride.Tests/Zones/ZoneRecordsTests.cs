using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>
/// The compact store of a file's records: what goes in comes back out (owner, type, TTL, RDATA, target, file, line),
/// and a big zone is read without an object per record.
/// </summary>
public sealed class ZoneRecordsTests
{
    private static readonly DnsName Origin = DnsName.Parse("big.test.");

    [Fact]
    public void EachRecordComesBackAsItWasRead()
    {
        var (records, errors) = ZoneFileParser.ParseText(
            "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\nwww 60 CNAME ns\nns AAAA 2001:db8::1\n" +
            "txt TXT \"a b\" \"\\099\"\n",
            "big.test.zone", Origin);

        Assert.Empty(errors);
        Assert.Equal(
            [
                "big.test. SOA 300 6 -",
                "big.test. NS 300 13 ns.big.test.",
                "ns.big.test. A 300 4 -",
                "www.big.test. CNAME 60 13 ns.big.test.",
                "ns.big.test. AAAA 300 16 -",
                "txt.big.test. TXT 300 6 -",
            ],
            records.Select(r => $"{r.Owner} {RecordType.ToName(r.Type)} {r.Ttl} {(r.Type == RecordType.SOA ? 6 : r.Rdata.Length)} {r.Target?.ToString() ?? "-"}"));
        Assert.Equal([1, 2, 3, 4, 5, 6], records.Select(r => r.Line - 1));
        Assert.All(records, r => Assert.Equal("big.test.zone", r.File));
        Assert.Equal("\u0003a b\u0001c"u8.ToArray(), records[5].Rdata);
        Assert.Equal(["big.test.", "ns.big.test.", "www.big.test.", "txt.big.test."], records.OwnerKeys.Select(k => DnsName.FromKey(k).ToString()));
    }

    [Fact]
    public void RecordsOfAnOwnerThatComesBackLaterJoinItsSets()
    {
        var zone = ZoneFixtures.Parse("big.test.", "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\nb A 10.0.0.1\nns A 192.0.2.54\nb A 10.0.0.1\n");

        Assert.Equal(2, zone.Find(DnsName.Parse("ns.big.test.").Key)!.Get(RecordType.A)!.Count);
        Assert.Equal(1, zone.Find(DnsName.Parse("b.big.test.").Key)!.Get(RecordType.A)!.Count);
    }

    [Fact]
    public void AZoneOfTwentyThousandRecordsIsReadWithAFewHundredBytesAllocatedPerRecord()
    {
        // Before the compact store and the reused token and RDATA buffers, a record cost about 1,000 bytes (a
        // 1,000,000-record zone: a gigabyte); its owner name, its unique tokens' texts and the store are what is left (425).
        const int Count = 20_000;
        var text = "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n" +
            string.Concat(Enumerable.Range(0, Count).Select(i => $"h{i} IN A 10.0.{(i >> 8) & 255}.{i & 255}\n"));
        ZoneFileParser.ParseText(text, "big.test.zone", Origin);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (records, errors) = ZoneFileParser.ParseText(text, "big.test.zone", Origin);
        var perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / Count;

        Assert.Empty(errors);
        Assert.Equal(Count + 3, records.Count);
        Assert.InRange(perRecord, 0, 500);
    }
}
