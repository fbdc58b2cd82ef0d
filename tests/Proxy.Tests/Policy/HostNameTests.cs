using System.Net;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tests.Policy;

/// <summary>Names map as UTS #46 nontransitional does (browsers, curl), so a rule and a request written differently still meet.</summary>
public sealed class HostNameTests
{
    [Theory]
    [InlineData("ｅｖｉｌ2.s3.test", "evil2.s3.test")]
    [InlineData("Ｅvil2.S3.TEST.", "evil2.s3.test")]
    [InlineData("MyBucket.S3.AmazonAWS.com", "mybucket.s3.amazonaws.com")]
    [InlineData("faß.de", "xn--fa-hia.de")]
    [InlineData("FASS.de", "fass.de")]
    [InlineData("βόλος.com", "xn--nxasmm1c.com")]
    [InlineData("ıstanbul.test", "xn--stanbul-qfb.test")]
    [InlineData("İstanbul.test", "xn--istanbul-o0e.test")]
    [InlineData("BÜCHER.example", "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    public void MapsAsUts46Nontransitional(string name, string expected)
    {
        Assert.True(HostName.TryNormalize(name, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Fact]
    public void AFullwidthDenyRuleDeniesItsAsciiTwin()
    {
        var (policy, errors) = AccessPolicy.Parse("""
            { "rules": [
              { "name": "no-evil2", "action": "deny", "sources": ["0.0.0.0/0"], "destinations": ["ｅｖｉｌ2.s3.test"] },
              { "name": "s3", "action": "allow", "sources": ["0.0.0.0/0"], "destinations": ["*.s3.test"] }
            ] }
            """, "p.json");

        Assert.Empty(errors);
        var decision = policy!.Evaluate(IPAddress.Parse("10.1.1.1"), "evil2.s3.test", 443);
        Assert.False(decision.Allowed);
        Assert.Equal("no-evil2", decision.Rule);
    }
}
