using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Tests.Zones;

public sealed class ZonePatternTests
{
    [Theory]
    [InlineData("dynamodb.*.amazonaws.com", "dynamodb.us-east-1.amazonaws.com.", true)]
    [InlineData("dynamodb.*.amazonaws.com", "DynamoDB.EU-West-1.amazonaws.com.", true)]
    [InlineData("dynamodb.*.amazonaws.com.", "dynamodb.eu-west-1.amazonaws.com.", true)]
    [InlineData("dynamodb.*.amazonaws.com", "streams.dynamodb.us-east-1.amazonaws.com.", false)]
    [InlineData("dynamodb.*.amazonaws.com", "dynamodb.amazonaws.com.", false)]
    [InlineData("dynamodb.*.amazonaws.com", "dynamodb.us-east-1.amazonaws.com.cn.", false)]
    [InlineData("s3.amazonaws.com", "s3.amazonaws.com.", true)]
    [InlineData("s3.amazonaws.com", "s3.us-east-1.amazonaws.com.", false)]
    public void MatchesZoneOrigins(string pattern, string origin, bool matches)
    {
        Assert.True(ZonePattern.TryParse(pattern, out var parsed, out var error), error);
        Assert.Equal(matches, parsed.Matches(DnsName.Parse(origin)));
    }

    [Theory]
    [InlineData("dynamodb.us-*.amazonaws.com", "a '*' must be a whole label")]
    [InlineData("bad..name", "empty label")]
    public void RefusesWhatIsNoZonePattern(string pattern, string expected)
    {
        Assert.False(ZonePattern.TryParse(pattern, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
