using Endpoints.DnsOverride.Protocol;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Protocol;

public sealed class DnsQueryTests
{
    private static QueryParseStatus Parse(byte[] message, out DnsQuery query, out string name)
    {
        var key = new char[256];
        var status = DnsQuery.Parse(message, key, out query);
        name = DnsName.ToPresentation(key.AsSpan(0, query.QNameKeyLength));
        return status;
    }

    [Fact]
    public void ParsesQuestionAndEdns()
    {
        var message = DnsWire.BuildQuery("WWW.Example.COM", RecordType.AAAA, recursionDesired: true, ednsPayload: 4096);
        message[^4] = 0x80;

        Assert.Equal(QueryParseStatus.Ok, Parse(message, out var query, out var name));
        Assert.Equal("www.example.com.", name);
        Assert.Equal(RecordType.AAAA, query.QType);
        Assert.True(query.RecursionDesired);
        Assert.True(query.HasEdns);
        Assert.Equal(4096, query.EdnsPayload);
        Assert.True(query.DnssecOk);
        Assert.Equal(message.Length - 11, query.QuestionEnd);
    }

    [Fact]
    public void DropsRuntsAndResponses()
    {
        Assert.Equal(QueryParseStatus.Drop, Parse(new byte[11], out _, out _));
        var response = DnsWire.BuildQuery("example.com", 1);
        response[2] |= 0x80;
        Assert.Equal(QueryParseStatus.Drop, Parse(response, out _, out _));
    }

    [Fact]
    public void RefusesWhatItCannotServe()
    {
        var notify = DnsWire.BuildQuery("example.com", 6);
        notify[2] |= 4 << 3;
        Assert.Equal(QueryParseStatus.NotImp, Parse(notify, out _, out _));

        var twoQuestions = DnsWire.BuildQuery("example.com", 1);
        twoQuestions[5] = 2;
        Assert.Equal(QueryParseStatus.FormErr, Parse(twoQuestions, out _, out _));

        var truncatedName = DnsWire.BuildQuery("example.com", 1, ednsPayload: null)[..15];
        Assert.Equal(QueryParseStatus.FormErr, Parse(truncatedName, out _, out _));

        var pointer = DnsWire.BuildQuery("example.com", 1, ednsPayload: null);
        pointer[12] = 0xC0;
        Assert.Equal(QueryParseStatus.FormErr, Parse(pointer, out _, out _));
    }

    [Fact]
    public void ChecksEdnsVersionAndCount()
    {
        var version1 = DnsWire.BuildQuery("example.com", 1);
        version1[^5] = 1;
        Assert.Equal(QueryParseStatus.BadVers, Parse(version1, out _, out _));

        var twoOpts = DnsWire.BuildQuery("example.com", 1);
        twoOpts = [.. twoOpts, .. twoOpts[^11..]];
        twoOpts[11] = 2;
        Assert.Equal(QueryParseStatus.FormErr, Parse(twoOpts, out _, out _));
    }

    [Fact]
    public void SurvivesRandomBytes()
    {
        var random = new Random(42);
        var key = new char[256];
        for (var i = 0; i < 20000; i++)
        {
            var message = new byte[random.Next(0, 80)];
            random.NextBytes(message);
            if (message.Length > 3)
            {
                message[2] &= 0x7F;
            }

            _ = DnsQuery.Parse(message, key, out _);
        }
    }
}
