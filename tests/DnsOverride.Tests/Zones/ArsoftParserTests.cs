using ARSoft.Tools.Net;
using ArsoftZone = ARSoft.Tools.Net.Dns.Zone;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>
/// Why the server has its own master-file parser: ARSoft.Tools.Net 3.6.1's reads our shipped zones wrongly.
/// If these start failing, ARSoft has been fixed and the question can be asked again.
/// </summary>
public sealed class ArsoftParserTests
{
    [Fact]
    public void ArsoftRejectsTtlUnitsInOurShippedZones()
    {
        var file = Path.Combine(Integration.TestZones.ShippedZoneDirectory, "s3.amazonaws.com.zone");

        var error = Assert.ThrowsAny<FormatException>(() => ArsoftZone.ParseMasterFile(DomainName.Parse("s3.amazonaws.com"), file));

        Assert.DoesNotContain(":5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArsoftReplacesTtlZero()
    {
        using var directory = new Endpoints.Testing.TempDirectory();
        var file = directory.Write("t.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns.x.\nwww 0 A 10.0.0.1\n");

        var records = ArsoftZone.ParseMasterFile(DomainName.Parse("example.com"), file);

        Assert.Equal(60, records.Single(r => r.Name.ToString() == "www.example.com.").TimeToLive);
    }
}
