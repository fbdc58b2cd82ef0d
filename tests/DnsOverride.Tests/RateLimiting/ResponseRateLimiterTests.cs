using System.Net;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.DnsOverride.Tests.Handlers;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.RateLimiting;

/// <summary>
/// Which responses share an account, through the real pipeline with a stopped clock: one /24 (or /56) and one
/// answer; NXDOMAIN per zone; TCP, exempt clients and forwarded answers never limited. Rate 3, slip 1.
/// </summary>
public sealed class ResponseRateLimiterTests : IDisposable
{
    private readonly TempDirectory _zones = new();
    private readonly InProcessDns _dns;

    public ResponseRateLimiterTests()
    {
        TestZones.CopyAll(_zones);
        var options = TestOptions.Create(new DnsOverrideOptions
        {
            Zones = _zones.Path,
            Upstream = ["127.0.0.1:9"],
            AllowRecursion = ["127.0.0.0/8"],
            RateLimit = new RateLimitOptions { ResponsesPerSecond = 3, Slip = 1, Exempt = ["192.0.2.0/24"] },
        });
        _dns = InProcessDns.Start(options, new FakeTimeProvider());
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.200", true)]
    [InlineData("10.1.2.3", "10.1.3.3", false)]
    [InlineData("2001:db8:0:1::1", "2001:db8:0:ff::9", true)]
    [InlineData("2001:db8:0:1::1", "2001:db8:0:100::1", false)]
    [InlineData("10.1.2.3", "::ffff:10.1.2.9", true)]
    public void OnePrefixSharesOneAccount(string first, string second, bool shared)
    {
        Assert.Equal(["full", "full", "full", "tc"], Serve(first, "www.example.test", 4));

        Assert.Equal(shared ? "tc" : "full", Serve(second, "www.example.test", 1)[0]);
    }

    [Fact]
    public void EachAnswerHasItsOwnAccountButNxdomainsShareTheZones()
    {
        Serve("10.1.2.3", "www.example.test", 4);
        Assert.Equal(["full"], Serve("10.1.2.3", "mail.example.test", 1));

        var nxdomains = Enumerable.Range(0, 5).Select(i => Serve("10.1.2.3", $"random{i}.example.test", 1)[0]);
        Assert.Equal(["full", "full", "full", "tc", "tc"], nxdomains);
    }

    /// <summary>New names under a wildcard, below a zone cut, or outside our zones without RD are one answer each time, as BIND counts them.</summary>
    [Theory]
    [InlineData("10.1.2.3", "a{0}.wild.example.test")]
    [InlineData("10.1.2.3", "q{0}.deleg.example.test")]
    [InlineData("127.0.0.5", "x{0}.example.org")]
    public void NewNamesForOneAnswerShareItsAccount(string client, string pattern)
    {
        var results = Enumerable.Range(0, 5).Select(i => Serve(client, string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, i), 1)[0]);

        Assert.Equal(["full", "full", "full", "tc", "tc"], results);
    }

    [Fact]
    public void TcpAndExemptClientsAreNeverLimited()
    {
        Assert.All(Serve("192.0.2.7", "www.example.test", 10), r => Assert.Equal("full", r));
        Assert.All(Serve("10.1.2.3", "www.example.test", 10, DnsTransport.Tcp), r => Assert.Equal("full", r));
    }

    [Fact]
    public void ASlippedResponseIsTruncatedWithNoRecords()
    {
        Serve("10.1.2.3", "www.example.test", 3);
        Serve("10.1.2.3", "www.example.test", 1);

        var message = DnsWire.Parse(_dns.Context.Response.AsSpan(0, _dns.Context.ResponseLength).ToArray());
        Assert.True(message.IsTruncated);
        Assert.Empty(message.AnswerRecords);
        Assert.Equal(QueryDecision.RateSlipped, _dns.Context.Decision);
    }

    public void Dispose()
    {
        _dns.Dispose();
        _zones.Dispose();
    }

    /// <summary>"full" for an answer with records or NXDOMAIN, "tc" for a slipped one, "none" when dropped.</summary>
    private List<string> Serve(string client, string name, int count, DnsTransport transport = DnsTransport.Udp)
    {
        var results = new List<string>();
        var address = IPAddress.Parse(client);
        for (var i = 0; i < count; i++)
        {
            _dns.Prepare(DnsWire.BuildQuery(name, 1), transport, new IPEndPoint(address, 5353));
            var serving = _dns.Pipeline.ServeAsync(_dns.Context, CancellationToken.None);
            Assert.True(serving.IsCompletedSuccessfully);
            results.Add(_dns.Context.ResponseLength == 0 ? "none" : (_dns.Context.Response[2] & 0x02) != 0 ? "tc" : "full");
        }

        return results;
    }
}
