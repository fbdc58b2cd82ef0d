using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>What of an upstream answer may reach clients: the question's chain only, and nothing of ours from upstream.</summary>
public sealed class AnswerScrubberTests
{
    private static readonly byte[] Public = [52, 216, 1, 1];
    private static readonly byte[] Forged = [6, 6, 6, 6];

    private static bool Ours(ReadOnlySpan<char> key) => DnsName.IsAtOrBelow(key, DnsName.Parse("s3.amazonaws.com.").Key);

    [Fact]
    public void AnAnswerThatIsAllChainIsKeptAsItCame()
    {
        var message = new UpstreamMessage("www.example.org", RecordType.A);
        var cname = UpstreamMessage.Name("web.example.org");
        message.Add(0, RecordType.CNAME, 300, cname);
        message.Add(0, RecordType.A, 300, [203, 0, 113, 80], cname);

        var result = AnswerScrubber.Scrub(message.ToArray(), Ours);

        Assert.Equal(new AnswerScrubber.Result(null, null), result);
    }

    [Fact]
    public void RecordsUnrelatedToTheQuestionAreDropped()
    {
        var message = new UpstreamMessage("junk.example.org", RecordType.A);
        message.Answer(300, 203, 0, 113, 9);
        message.Add(0, RecordType.A, 300, Forged, UpstreamMessage.Name("s3.amazonaws.com"));
        message.Add(0, RecordType.A, 300, Forged, UpstreamMessage.Name("victim.example.org"));

        var result = AnswerScrubber.Scrub(message.ToArray(), Ours);

        var answer = Parse(result.Message);
        Assert.Equal(1, answer.AnswerCount);
        Assert.Null(result.EntersAt);
        Assert.DoesNotContain("6.6.6.6", Dump(result.Message!), StringComparison.Ordinal);
    }

    /// <summary>A corporate alias for a bucket: the upstream's public address for our name is cut, our zone answers it.</summary>
    [Fact]
    public void AChainIntoOurZonesIsCutAtTheCnameThatEnters()
    {
        var message = new UpstreamMessage("files.corp.example", RecordType.A, rcode: 0, authenticData: true);
        var bucket = UpstreamMessage.Name("mybucket.s3.amazonaws.com");
        message.Add(0, RecordType.CNAME, 300, bucket);
        message.Add(0, RecordType.A, 300, Public, bucket);

        var result = AnswerScrubber.Scrub(message.ToArray(), Ours);

        Assert.Equal(DnsName.Parse("mybucket.s3.amazonaws.com.").Key, result.EntersAt);
        var answer = Parse(result.Message);
        Assert.Equal(1, answer.AnswerCount);
        Assert.False(answer.AuthenticData);
        Assert.DoesNotContain("52.216.1.1", Dump(result.Message!), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUpstreamNxdomainForOurNameIsNotPassedOn()
    {
        var message = new UpstreamMessage("files.corp.example", RecordType.A, rcode: ResponseCode.NXDomain);
        message.Add(0, RecordType.CNAME, 300, UpstreamMessage.Name("gone.s3.amazonaws.com"));
        message.Soa(300, 60, "s3.amazonaws.com");

        var result = AnswerScrubber.Scrub(message.ToArray(), Ours);

        var answer = Parse(result.Message);
        Assert.Equal((ResponseCode.NoError, 1, 0), (answer.Rcode, (int)answer.AnswerCount, (int)answer.AuthorityCount));
    }

    [Fact]
    public void ANegativeAnswerKeepsOnlyTheSoaAboveTheName()
    {
        var message = new UpstreamMessage("nothing.example.org", RecordType.A, rcode: ResponseCode.NXDomain);
        message.Soa(300, 60);
        message.Soa(300, 60, "s3.amazonaws.com");

        var result = AnswerScrubber.Scrub(message.ToArray(), Ours);

        var answer = Parse(result.Message);
        Assert.Equal((ResponseCode.NXDomain, 0, 1), (answer.Rcode, (int)answer.AnswerCount, (int)answer.AuthorityCount));
        Assert.DoesNotContain("s3", Dump(result.Message!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 1, 0x81, 0x80, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 })]
    public void WhatDoesNotParseIsMalformed(byte[] response)
    {
        Assert.True(AnswerScrubber.Scrub(response, Ours).Malformed);
    }

    private static CachedAnswer Parse(byte[]? message) =>
        CachedAnswer.Parse(Assert.IsType<byte[]>(message), new Endpoints.DnsOverride.Configuration.CacheOptions(), 0) ?? throw new InvalidOperationException("does not parse");

    /// <summary>The message's bytes as text, with addresses spelt out, to look for what must be gone.</summary>
    private static string Dump(byte[] message) =>
        string.Join(" ", Enumerable.Range(0, message.Length - 3).Select(i => $"{message[i]}.{message[i + 1]}.{message[i + 2]}.{message[i + 3]}")) + " " +
        System.Text.Encoding.ASCII.GetString(message);
}
