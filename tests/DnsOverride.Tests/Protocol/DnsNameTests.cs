using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tests.Protocol;

public sealed class DnsNameTests
{
    [Theory]
    [InlineData("www.example.com.", null, "www.example.com.")]
    [InlineData("WWW", "Example.COM.", "www.example.com.")]
    [InlineData("@", "example.com.", "example.com.")]
    [InlineData(".", null, ".")]
    [InlineData("a\\.b", "example.com.", "a\\.b.example.com.")]
    [InlineData("\\065bc", "example.com.", "abc.example.com.")]
    public void ParsesPresentationNames(string text, string? origin, string expected)
    {
        var name = DnsName.Parse(text, origin is null ? null : DnsName.Parse(origin));

        Assert.Equal(expected, name.ToString());
    }

    [Theory]
    [InlineData("a..b.")]
    [InlineData("relative")]
    [InlineData("bad\\")]
    [InlineData("x\\999.")]
    public void RejectsBadNames(string text)
    {
        Assert.False(DnsName.TryParse(text, null, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void RejectsOverlongLabelsAndNames()
    {
        Assert.False(DnsName.TryParse(new string('a', 64) + ".", null, out _, out _));
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".";
        Assert.False(DnsName.TryParse(longName, null, out _, out _));
        Assert.True(DnsName.TryParse(string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + ".", null, out _, out _));
    }

    [Fact]
    public void KnowsAncestors()
    {
        var name = DnsName.Parse("a.b.example.com.");
        Assert.True(name.IsAtOrBelow(DnsName.Parse("example.com.")));
        Assert.True(name.IsAtOrBelow(DnsName.Root));
        Assert.False(name.IsAtOrBelow(DnsName.Parse("le.com.")));
        Assert.Equal("b.example.com.", name.Parent.ToString());
        Assert.Equal(4, DnsName.CountLabels(name.Key));
    }
}
