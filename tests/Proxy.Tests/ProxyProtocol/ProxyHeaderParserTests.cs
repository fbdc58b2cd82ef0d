using System.Net;
using System.Text;
using Endpoints.Common.ProxyProtocol;

namespace Endpoints.Proxy.Tests.ProxyProtocol;

public sealed class ProxyHeaderParserTests
{
    private static byte[] V2(byte command, byte family, byte[] addresses, params byte[][] tlvs)
    {
        var body = addresses.Concat(tlvs.SelectMany(t => t)).ToArray();
        return [.. ProxyHeaderParser.V2Signature, (byte)(0x20 | command), family, (byte)(body.Length >> 8), (byte)body.Length, .. body];
    }

    private static byte[] Tlv(byte type, byte[] value) => [type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    private static readonly byte[] Ipv4Addresses = [10, 20, 30, 40, 10, 0, 0, 5, 0xC3, 0x50, 0x01, 0xBB];

    [Fact]
    public void ParsesV2WithAwsVpceTlv()
    {
        var header = V2(1, 0x11, Ipv4Addresses, Tlv(0xEA, [0x01, .. "vpce-0abc123"u8.ToArray()]), Tlv(0x04, []));
        var data = header.Concat("GET"u8.ToArray()).ToArray();

        Assert.Equal(ParseStatus.Done, ProxyHeaderParser.TryParse(data, out var parsed, out var consumed, out _));
        Assert.Equal(header.Length, consumed);
        Assert.False(parsed!.IsLocal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.20.30.40"), 50000), parsed.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 443), parsed.Destination);
        Assert.Equal("vpce-0abc123", parsed.VpcEndpointId);
        Assert.Equal(2, parsed.Tlvs.Count);
    }

    [Fact]
    public void ParsesV2Ipv6AndLocal()
    {
        var v6 = new byte[36];
        IPAddress.Parse("2001:db8::7").GetAddressBytes().CopyTo(v6, 0);
        IPAddress.Parse("2001:db8::1").GetAddressBytes().CopyTo(v6, 16);
        v6[32] = 0x30;
        v6[35] = 80;

        Assert.Equal(ParseStatus.Done, ProxyHeaderParser.TryParse(V2(1, 0x21, v6), out var parsed, out _, out _));
        Assert.Equal(IPAddress.Parse("2001:db8::7"), parsed!.Source!.Address);

        Assert.Equal(ParseStatus.Done, ProxyHeaderParser.TryParse(V2(0, 0x00, []), out var local, out _, out _));
        Assert.True(local!.IsLocal);
        Assert.Null(local.Source);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\nrest", "192.0.2.1", 56324)]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 4000 443\r\n", "2001:db8::1", 4000)]
    public void ParsesV1(string text, string source, int port)
    {
        Assert.Equal(ParseStatus.Done, ProxyHeaderParser.TryParse(Encoding.ASCII.GetBytes(text), out var parsed, out var consumed, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(source), port), parsed!.Source);
        Assert.Equal(text.IndexOf('\n', StringComparison.Ordinal) + 1, consumed);
    }

    [Fact]
    public void V1UnknownKeepsThePeer()
    {
        Assert.Equal(ParseStatus.Done, ProxyHeaderParser.TryParse("PROXY UNKNOWN\r\n"u8, out var parsed, out _, out _));
        Assert.True(parsed!.IsLocal);
    }

    [Fact]
    public void AsksForMoreUntilComplete()
    {
        var header = V2(1, 0x11, Ipv4Addresses);
        for (var length = 0; length < header.Length; length++)
        {
            Assert.Equal(ParseStatus.NeedMore, ProxyHeaderParser.TryParse(header.AsSpan(0, length), out _, out _, out _));
        }

        Assert.Equal(ParseStatus.NeedMore, ProxyHeaderParser.TryParse("PROXY TCP4 1.2.3.4"u8, out _, out _, out _));
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", ProxyHeaderError.V1Malformed)]
    [InlineData("PROXY TCP4 1.2.3.4 ::1 1 2\r\n", ProxyHeaderError.V1Malformed)]
    [InlineData("PROXY TCP4 999.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1Malformed)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", ProxyHeaderError.Missing)]
    public void RejectsMalformedV1(string text, ProxyHeaderError expected)
    {
        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void RejectsMalformedV2()
    {
        var badVersion = V2(1, 0x11, Ipv4Addresses);
        badVersion[12] = 0x11;
        var badCommand = V2(1, 0x11, Ipv4Addresses);
        badCommand[12] = 0x22;
        var shortAddresses = V2(1, 0x11, Ipv4Addresses[..8]);
        var truncatedTlv = V2(1, 0x11, Ipv4Addresses, [0xEA, 0x00, 0x09, 0x01]);
        var tooLongV1 = Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 120));

        foreach (var data in new[] { badVersion, badCommand, shortAddresses, truncatedTlv, tooLongV1 })
        {
            Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(data, out _, out _, out _));
        }
    }
}
