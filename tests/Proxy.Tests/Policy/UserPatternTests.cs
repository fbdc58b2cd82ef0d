using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tests.Policy;

public sealed class UserPatternTests
{
    [Theory]
    [InlineData("alice@CORP.EXAMPLE", "alice@CORP.EXAMPLE", true)]
    [InlineData("alice@CORP.EXAMPLE", "alice@corp.example", true)]
    [InlineData("alice@CORP.EXAMPLE", "Alice@CORP.EXAMPLE", false)]
    [InlineData("alice@CORP.EXAMPLE", "alice@OTHER.EXAMPLE", false)]
    [InlineData("alice@CORP.EXAMPLE", "alice", false)]
    [InlineData("*@CORP.EXAMPLE", "bob@Corp.Example", true)]
    [InlineData("*@CORP.EXAMPLE", "bob@EVILCORP.EXAMPLE", false)]
    [InlineData("*@CORP.EXAMPLE", "svc-backup", false)]
    [InlineData("svc-backup", "svc-backup", true)]
    [InlineData("svc-backup", "svc-backup@CORP.EXAMPLE", false)]
    [InlineData("*", "anyone@ANY.REALM", true)]
    [InlineData("*", "svc-backup", true)]
    public void MatchesNamesExactlyAndRealmsWithoutCase(string pattern, string user, bool matches)
    {
        Assert.True(UserPattern.TryParse(pattern, out var parsed, out var error), error);

        Assert.Equal(matches, parsed.Matches(user));
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice@")]
    [InlineData("@CORP.EXAMPLE")]
    [InlineData("al*ce@CORP.EXAMPLE")]
    [InlineData("alice@*.EXAMPLE")]
    [InlineData("*x")]
    [InlineData("alice smith")]
    [InlineData("svc:backup")]
    public void RefusesWhatIsNotAPattern(string text)
    {
        Assert.False(UserPattern.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", "alice@CORP.EXAMPLE", true)]
    [InlineData("*@CORP.EXAMPLE", "alice@corp.example", true)]
    [InlineData("*@CORP.EXAMPLE", "*@CORP.EXAMPLE", true)]
    [InlineData("alice@CORP.EXAMPLE", "*@CORP.EXAMPLE", false)]
    [InlineData("*@CORP.EXAMPLE", "*", false)]
    [InlineData("*@CORP.EXAMPLE", "svc-backup", false)]
    [InlineData("svc-backup", "svc-backup", true)]
    public void CoversWhatItMatchesEntirely(string outer, string inner, bool covers)
    {
        Assert.True(UserPattern.TryParse(outer, out var a, out _));
        Assert.True(UserPattern.TryParse(inner, out var b, out _));

        Assert.Equal(covers, a.Covers(b));
    }
}
