using System.Text;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>transparent.json read strictly: each problem at its FILE:LINE:COLUMN, and only zones of the folder.</summary>
public sealed class TransparentZonesReaderTests
{
    private static readonly IReadOnlySet<DnsName> Origins = new HashSet<DnsName> { DnsName.Parse("dynamodb.us-east-1.amazonaws.com."), DnsName.Parse("s3.amazonaws.com.") };

    [Fact]
    public void ReadsTheZonesNamed()
    {
        var (zones, errors) = Read("{ \"zones\": [\"DynamoDB.us-east-1.amazonaws.com.\", \"s3.amazonaws.com\"] }");

        Assert.Empty(errors);
        Assert.Equal(Origins, zones!.ToHashSet());
    }

    [Theory]
    [InlineData("{ \"zones\": [\"streams.dynamodb.us-east-1.amazonaws.com\"] }", "t.json:1:13: 'streams.dynamodb.us-east-1.amazonaws.com.' is not a zone of this folder")]
    [InlineData("{\n \"zones\": [\"a..b\"] }", "t.json:2:12: 'a..b' is not a zone name")]
    [InlineData("{\n\n \"zone\": [\"s3.amazonaws.com\"] }", "t.json:3:2: unknown key 'zone'")]
    [InlineData("{ \"zones\": [] }", "t.json:1:12: 'zones' is empty")]
    [InlineData("{ \"zones\": \"s3.amazonaws.com\" }", "t.json:1:12: 'zones' must be a list of strings")]
    [InlineData("[]", "t.json:1:1: expected an object")]
    [InlineData("{ \"zones\": [", "t.json:1:")]
    public void RefusesWhatIsNotAListOfItsZones(string json, string expected)
    {
        var (zones, errors) = Read(json);

        Assert.Null(zones);
        Assert.StartsWith(expected, errors[0], StringComparison.Ordinal);
    }

    private static (IReadOnlyList<DnsName>? Zones, IReadOnlyList<string> Errors) Read(string json) =>
        TransparentZonesReader.Read(Encoding.UTF8.GetBytes(json), "t.json", Origins);

    /// <summary>Found by bench/fuzz.sh (transparent-json): the JSON reader throws on a string that is not UTF-8.</summary>
    [Fact]
    public void AFileThatIsNotUtf8IsAnErrorAtItsFirstBadByte()
    {
        var (zones, errors) = TransparentZonesReader.Read([.. "{ \"zones\": [\"s3.amazonaws.com"u8, 0x80, .. "\"] }"u8], "t.json", Origins);

        Assert.Null(zones);
        Assert.Equal("t.json:1:30: not UTF-8 text (byte 0x80)", Assert.Single(errors));
    }
}
