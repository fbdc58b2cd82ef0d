using System.Net;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tests.Policy;

public sealed class AccessPolicyTests
{
    private const string Json = """
        { "rules": [
          { "name": "no-admin-bucket", "action": "deny", "sources": ["0.0.0.0/0"], "destinations": ["admin.s3.amazonaws.com"], "ports": [443] },
          { "name": "corp-to-aws", "action": "allow", "sources": ["10.0.0.0/8"],
            "destinations": ["s3.amazonaws.com", "*.s3.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"], "ports": [443] },
          { "name": "lab-ip", "action": "allow", "sources": ["10.9.0.0/16"], "destinations": ["203.0.113.0/24", "bücher.example"] }
        ] }
        """;

    private static readonly AccessPolicy Policy = AccessPolicy.Parse(Json, "policy.json").Policy!;

    [Theory]
    [InlineData("10.1.2.3", "mybucket.s3.amazonaws.com", 443, true, "corp-to-aws")]
    [InlineData("10.1.2.3", "MyBucket.S3.AmazonAWS.com.", 443, true, "corp-to-aws")]
    [InlineData("10.1.2.3", "s3.amazonaws.com", 443, true, "corp-to-aws")]
    [InlineData("10.1.2.3", "a.b.s3.amazonaws.com", 443, true, "corp-to-aws")]
    [InlineData("10.1.2.3", "admin.s3.amazonaws.com", 443, false, "no-admin-bucket")]
    [InlineData("10.1.2.3", "mybucket.s3.amazonaws.com", 80, false, "-")]
    [InlineData("10.1.2.3", "evils3.amazonaws.com", 443, false, "-")]
    [InlineData("10.1.2.3", "dynamodb.us-east-1.amazonaws.com", 443, true, "corp-to-aws")]
    [InlineData("10.1.2.3", "x.dynamodb.us-east-1.amazonaws.com", 443, false, "-")]
    [InlineData("192.168.1.1", "mybucket.s3.amazonaws.com", 443, false, "-")]
    [InlineData("::ffff:10.1.2.3", "mybucket.s3.amazonaws.com", 443, true, "corp-to-aws")]
    [InlineData("10.9.1.1", "203.0.113.7", 8443, true, "lab-ip")]
    [InlineData("10.1.2.3", "52.216.1.1", 443, false, "-")]
    [InlineData("10.9.1.1", "xn--bcher-kva.example", 80, true, "lab-ip")]
    [InlineData("10.9.1.1", "BÜCHER.example", 80, true, "lab-ip")]
    [InlineData("10.1.2.3", "bad name.s3.amazonaws.com", 443, false, "-")]
    public void FirstMatchingRuleDecidesAndNoMatchDenies(string source, string host, int port, bool allowed, string rule)
    {
        var decision = Policy.Evaluate(IPAddress.Parse(source), host, port);

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(rule, decision.Rule);
        Assert.False(string.IsNullOrEmpty(decision.Reason));
    }
}
