using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class ClientHelloParserTests
{
    [Fact]
    public async Task FindsTheSniInARealClientHello()
    {
        var hello = await ClientHelloCapture.CaptureAsync("mybucket.s3.amazonaws.com");

        Assert.Equal(ParseStatus.Done, ClientHelloParser.TryGetServerName(hello, out var name, out _));
        Assert.Equal("mybucket.s3.amazonaws.com", name);
    }

    [Fact]
    public async Task NeedsMoreUntilTheWholeHelloArrivesByteByByte()
    {
        var hello = await ClientHelloCapture.CaptureAsync("s3.amazonaws.com", alpnCount: 20);
        Assert.True(hello.Length > 1500, $"ClientHello is only {hello.Length} bytes");

        for (var length = 0; length < hello.Length; length += 97)
        {
            Assert.Equal(ParseStatus.NeedMore, ClientHelloParser.TryGetServerName(hello.AsSpan(0, length), out _, out _));
        }

        Assert.Equal(ParseStatus.Done, ClientHelloParser.TryGetServerName(hello, out var name, out _));
        Assert.Equal("s3.amazonaws.com", name);
    }

    [Fact]
    public async Task ReassemblesAHelloSpreadOverSeveralRecords()
    {
        var hello = ClientHelloCapture.Reframe(await ClientHelloCapture.CaptureAsync("dynamodb.us-east-1.amazonaws.com", alpnCount: 10), 300);

        Assert.Equal(ParseStatus.NeedMore, ClientHelloParser.TryGetServerName(hello.AsSpan(0, 700), out _, out _));
        Assert.Equal(ParseStatus.Done, ClientHelloParser.TryGetServerName(hello, out var name, out _));
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", name);
    }

    [Fact]
    public async Task AHelloWithoutSniHasNoName()
    {
        var hello = await ClientHelloCapture.CaptureAsync("127.0.0.1");

        Assert.Equal(ParseStatus.Done, ClientHelloParser.TryGetServerName(hello, out var name, out var error));
        Assert.Null(name);
        Assert.Equal(ClientHelloError.NoServerName, error);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ', (byte)'/', (byte)' ' })]
    [InlineData(new byte[] { 22, 3, 1, 0, 0, 1 })]
    [InlineData(new byte[] { 22, 3, 1, 0, 4, 2, 0, 0, 0 })]
    [InlineData(new byte[] { 23, 3, 3, 0, 1, 0 })]
    public void RejectsWhatIsNotAClientHello(byte[] data)
    {
        Assert.Equal(ParseStatus.Invalid, ClientHelloParser.TryGetServerName(data, out _, out _));
    }

    [Fact]
    public async Task SurvivesCorruption()
    {
        var hello = await ClientHelloCapture.CaptureAsync("s3.amazonaws.com");
        var random = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            var copy = (byte[])hello.Clone();
            copy[random.Next(5, copy.Length)] = (byte)random.Next(256);
            _ = ClientHelloParser.TryGetServerName(copy.AsSpan(0, random.Next(copy.Length + 1)), out _, out _);
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'D' })]
    [InlineData(new byte[] { 0x16, 0x01 })]
    public void OneOrTwoBytesAreEnoughToTellAStreamIsNotTls(byte[] data)
    {
        Assert.Equal(ParseStatus.Invalid, ClientHelloParser.TryGetServerName(data, out _, out var error));
        Assert.Equal(ClientHelloError.NotTls, error);
    }

    [Fact]
    public async Task ConsumedCoversTheHelloRecordsOnly()
    {
        var hello = ClientHelloCapture.Reframe(await ClientHelloCapture.CaptureAsync("s3.amazonaws.com"), 100);
        byte[] withMore = [.. hello, 20, 3, 3, 0, 1, 1];

        Assert.Equal(ParseStatus.Done, ClientHelloParser.TryGetServerName(withMore, out _, out _, out var consumed));
        Assert.Equal(hello.Length, consumed);
    }

    /// <summary>A second ClientHello riding in the first one's record would go upstream unjudged.</summary>
    [Fact]
    public async Task HandshakeBytesAfterTheHelloInItsRecordAreInvalid()
    {
        var first = await ClientHelloCapture.CaptureAsync("s3.amazonaws.com");
        var second = await ClientHelloCapture.CaptureAsync("admin.s3.amazonaws.com");
        var body = first[5..].Concat(second[5..]).ToArray();
        byte[] oneRecord = [22, 3, 1, (byte)(body.Length >> 8), (byte)body.Length, .. body];

        Assert.Equal(ParseStatus.Invalid, ClientHelloParser.TryGetServerName(oneRecord, out _, out var error));
        Assert.Equal(ClientHelloError.DataAfterHello, error);
    }
}
