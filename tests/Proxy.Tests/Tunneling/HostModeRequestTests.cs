using System.Text;
using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class HostModeRequestTests
{
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n", null)]
    [InlineData("GET http://a.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n", null)]
    [InlineData("GET http://a.test:80/x HTTP/1.1\r\nHost: a.test:80\r\n\r\n", null)]
    [InlineData("GET http://b.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n", "request target http://b.test/x is not for Host a.test")]
    [InlineData("GET / HTTP/1.1\r\nHost: a.test\r\nhost: b.test\r\n\r\n", "several Host headers")]
    [InlineData("GET / HTTP/1.1\r\nX: y\r\n\r\n", "no valid Host header")]
    [InlineData("POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "differing Content-Length headers")]
    [InlineData("POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", null)]
    public void RefusesAmbiguousHeads(string text, string? problem) => Assert.Equal(problem, HostModeRequest.Check(Parse(text)));

    [Fact]
    public void TheHeadGoesUpstreamWithConnectionCloseAndWithoutProxyCredentials()
    {
        var head = Parse("GET /k HTTP/1.1\r\nHost: a.test\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic c3ZjOnB3\r\nX-Amz-Date: 1\r\n\r\n");

        var upstream = Encoding.ASCII.GetString(HostModeRequest.CloseAfterResponse(head));

        Assert.Equal("GET /k HTTP/1.1\r\nHost: a.test\r\nX-Amz-Date: 1\r\nConnection: close\r\n\r\n", upstream);
    }

    private static HttpHead Parse(string text)
    {
        Assert.Equal(ParseStatus.Done, HttpHeadParser.TryParse(Encoding.ASCII.GetBytes(text), out var head, out _));
        return head!;
    }
}
