using System.Text;
using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class HttpHeadParserTests
{
    [Fact]
    public void ParsesAConnectHead()
    {
        var data = "CONNECT mybucket.s3.amazonaws.com:443 HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com:443\r\nUser-Agent: x\r\n\r\nEARLY"u8;

        Assert.Equal(ParseStatus.Done, HttpHeadParser.TryParse(data, out var head, out _));
        Assert.Equal("CONNECT", head!.Method);
        Assert.Equal("mybucket.s3.amazonaws.com:443", head.Target);
        Assert.Equal("x", head.Header("user-agent"));
        Assert.Equal(data.Length - 5, head.Length);
    }

    [Fact]
    public void ReadsEveryFieldInOrderWithTheirValuesTrimmed()
    {
        var data = "CONNECT h:443 HTTP/1.0\r\nProxy-Authorization:\t Basic abc \r\nx-custom:1\r\nX-Custom: 2\r\n\r\n"u8;

        Assert.Equal(ParseStatus.Done, HttpHeadParser.TryParse(data, out var head, out _));
        Assert.Equal("HTTP/1.0", head!.Version);
        Assert.Equal([("Proxy-Authorization", "Basic abc"), ("x-custom", "1"), ("X-Custom", "2")], head.Headers);
        Assert.Equal(2, head.Count("X-CUSTOM"));
        Assert.Null(head.Header("Host"));
    }

    [Fact]
    public void ParsesAHeadWithoutFields()
    {
        Assert.Equal(ParseStatus.Done, HttpHeadParser.TryParse("GET / HTTP/1.1\r\n\r\n"u8, out var head, out _));
        Assert.Equal(("GET", "/"), (head!.Method, head.Target));
        Assert.Empty(head.Headers);
    }

    [Theory]
    [InlineData("CONNECT host:443 HTTP/1.1\r\nHost: x")]
    [InlineData("CONN")]
    public void NeedsMoreForAnUnfinishedHead(string text)
    {
        Assert.Equal(ParseStatus.NeedMore, HttpHeadParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));
    }

    [Theory]
    [InlineData("CONNECT host:443\r\n\r\n")]
    [InlineData("CONNECT  HTTP/1.1\r\n\r\n")]
    [InlineData("CONNECT a b HTTP/1.1\r\n\r\n")]
    [InlineData(" host:443 HTTP/1.1\r\n\r\n")]
    [InlineData("CONNECT host:443 HTTP/1.1\r\nX: 1\r\n: empty name\r\n\r\n")]
    [InlineData("CONNECT host:443 HTTP/1.1\r\nBad Name: 1\r\n\r\n")]
    [InlineData("CONNECT host:443 SPDY/3\r\n\r\n")]
    [InlineData("CONNECT host:443 HTTP/1.1\r\nNo colon here\r\n\r\n")]
    [InlineData("CONNECT host:443 HTTP/1.1\r\n folded: header\r\n\r\n")]
    [InlineData("CONNECT host:443 HTTP/1.1\r\nX: a\u0001b\r\n\r\n")]
    public void RejectsMalformedHeads(string text)
    {
        Assert.Equal(ParseStatus.Invalid, HttpHeadParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));
    }

    /// <summary>RFC 9112 2.2 and 5.1: heads a lenient origin would read with other fields than ours.</summary>
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a.s3.amazonaws.com\nHost: admin.s3.amazonaws.com\r\n\r\n", "BareLineEnd")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\nTransfer-Encoding: chunked\r\n\r\n", "BareLineEnd")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\rX-Other: b\r\n\r\n", "BareLineEnd")]
    [InlineData("GET / HTTP/1.1\nHost: a\n\n", "BareLineEnd")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding\t: chunked\r\n\r\n", "MalformedHeaderField")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", "MalformedHeaderField")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n", "MalformedHeaderField")]
    public void RejectsHeadsThatOtherParsersReadDifferently(string text, string expected)
    {
        Assert.Equal(ParseStatus.Invalid, HttpHeadParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out var error));
        Assert.Equal(Enum.Parse<HttpHeadError>(expected), error);
    }

    [Fact]
    public void AHeadCutRightAfterACarriageReturnNeedsMore()
    {
        Assert.Equal(ParseStatus.NeedMore, HttpHeadParser.TryParse("GET / HTTP/1.1\r\nHost: a\r"u8, out _, out _));
    }

    [Fact]
    public void RejectsAnOversizedHead()
    {
        var text = "CONNECT host:443 HTTP/1.1\r\n" + string.Concat(Enumerable.Repeat("X-Filler: " + new string('a', 100) + "\r\n", (HttpHeadParser.MaxHeadLength / 112) + 1));

        Assert.Equal(ParseStatus.Invalid, HttpHeadParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out var error));
        Assert.Equal(HttpHeadError.TooLarge, error);
    }

    [Theory]
    [InlineData("s3.amazonaws.com:443", 0, "s3.amazonaws.com", 443, true)]
    [InlineData("[2001:db8::1]:8443", 0, "2001:db8::1", 8443, true)]
    [InlineData("s3.amazonaws.com", 80, "s3.amazonaws.com", 80, true)]
    [InlineData("s3.amazonaws.com", 0, "s3.amazonaws.com", 0, false)]
    [InlineData("host:0", 0, "host", 0, false)]
    [InlineData("host:99999", 0, "host", 99999, false)]
    [InlineData("a:b:443", 0, "a:b", 443, false)]
    public void SplitsAuthorities(string authority, int defaultPort, string host, int port, bool ok)
    {
        Assert.Equal(ok, HttpHeadParser.TrySplitAuthority(authority, defaultPort, out var parsedHost, out var parsedPort));
        if (ok)
        {
            Assert.Equal(host, parsedHost);
            Assert.Equal(port, parsedPort);
        }
    }
}
