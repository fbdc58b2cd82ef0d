using System.Buffers.Binary;
using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Configuration;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>What is kept of an upstream answer, for how long, and how it is served again: no sockets.</summary>
public sealed class CachedAnswerTests
{
    private static readonly CacheOptions Limits = Parsed(new CacheOptions());

    public static TheoryData<string, byte[], uint> Lifetimes => new()
    {
        { "positive: the least TTL of the answer", new UpstreamMessage("www.example.org", 1).Answer(300, 192, 0, 2, 1).Answer(120, 192, 0, 2, 2).ToArray(), 120 },
        { "NXDOMAIN: the SOA's MINIMUM when less than its TTL", new UpstreamMessage("nx.example.org", 1, rcode: 3).Soa(3600, 60).ToArray(), 60 },
        { "NODATA: the SOA's TTL when less than its MINIMUM", new UpstreamMessage("www.example.org", 28).Soa(30, 600).ToArray(), 30 },
        { "NODATA without an SOA: not cached (RFC 2308 5)", new UpstreamMessage("www.example.org", 28).ToArray(), 0 },
        { "negative: capped at --cache-max-negative-ttl", new UpstreamMessage("nx.example.org", 1, rcode: 3).Soa(86400, 86400).ToArray(), 3600 },
        { "positive: capped at --cache-max-ttl", new UpstreamMessage("www.example.org", 1).Answer(int.MaxValue, 192, 0, 2, 1).ToArray(), 86400 },
        { "TTL over 2^31: read as 0 (RFC 2181 8), not cached", new UpstreamMessage("www.example.org", 1).Answer(0x80000000, 192, 0, 2, 1).ToArray(), 0 },
        { "TTL 0: not cached", new UpstreamMessage("www.example.org", 1).Answer(0, 192, 0, 2, 1).ToArray(), 0 },
        { "SERVFAIL: 5 seconds (RFC 9520)", new UpstreamMessage("www.example.org", 1, rcode: 2).ToArray(), 5 },
        { "REFUSED: not cached", new UpstreamMessage("www.example.org", 1, rcode: 5).ToArray(), 0 },
        { "truncated: not cached", new UpstreamMessage("www.example.org", 1, truncated: true).Answer(300, 192, 0, 2, 1).ToArray(), 0 },
    };

    [Theory]
    [MemberData(nameof(Lifetimes))]
    public void KeepsAnAnswerForWhatItsRecordsAllow(string why, byte[] response, uint ttl)
    {
        var answer = CachedAnswer.Parse(response, Limits, now: 0);

        Assert.NotNull(answer);
        Assert.True(ttl == answer.Ttl, $"{why}: {answer.Ttl}");
    }

    [Fact]
    public void MinTtlRaisesPositiveAnswersOnly()
    {
        var limits = Parsed(new CacheOptions { MinTtl = "60" });

        Assert.Equal(60u, CachedAnswer.Parse(new UpstreamMessage("www.example.org", 1).Answer(5, 192, 0, 2, 1).ToArray(), limits, 0)!.Ttl);
        Assert.Equal(5u, CachedAnswer.Parse(new UpstreamMessage("nx.example.org", 1, rcode: 3).Soa(5, 5).ToArray(), limits, 0)!.Ttl);
    }

    [Fact]
    public void KeepsTheAnswerAndTheNegativeSoaButNothingVolunteered()
    {
        var positive = new UpstreamMessage("www.example.org", 1).Answer(300, 192, 0, 2, 1);
        positive.Add(1, 2, 300, UpstreamMessage.Name("ns.example.org"), UpstreamMessage.Name("example.org"));
        positive.Add(2, 1, 300, [6, 6, 6, 6], UpstreamMessage.Name("attacker.example.net"));
        var negative = new UpstreamMessage("nx.example.org", 1, rcode: 3).Soa(3600, 60);
        negative.Add(2, 1, 300, [6, 6, 6, 6], UpstreamMessage.Name("attacker.example.net"));

        var kept = Serve(CachedAnswer.Parse(positive.ToArray(), Limits, 0)!);
        var keptNegative = Serve(CachedAnswer.Parse(negative.ToArray(), Limits, 0)!);

        Assert.Equal([1, 0, 0], Counts(kept));
        Assert.DoesNotContain("attacker", System.Text.Encoding.ASCII.GetString(kept), StringComparison.Ordinal);
        Assert.Equal([0, 1, 0], Counts(keptNegative));
        Assert.DoesNotContain("attacker", System.Text.Encoding.ASCII.GetString(keptNegative), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesRecordsWhoseNamesPointForwards()
    {
        var message = new UpstreamMessage("www.example.org", 5);
        var at = message.Add(0, 5, 300, UpstreamMessage.Pointer(200));

        Assert.Null(CachedAnswer.Parse(message.ToArray(), Limits, 0));
        Assert.True(at > 12);
    }

    [Fact]
    public void RefusesRecordsThatRunPastTheMessage()
    {
        var bytes = new UpstreamMessage("www.example.org", 1).Answer(300, 192, 0, 2, 1).ToArray();

        Assert.Null(CachedAnswer.Parse(bytes.AsSpan(0, bytes.Length - 2), Limits, 0));
    }

    [Fact]
    public void CountsTtlsDownAndEchoesTheClientsQuestion()
    {
        var answer = CachedAnswer.Parse(new UpstreamMessage("www.example.org", 1).Answer(300, 192, 0, 2, 1).Answer(100, 192, 0, 2, 2).ToArray(), Limits, 0)!;
        var question = Question("WwW.ExAmple.ORG", 1);
        var served = new byte[512];

        var length = answer.WriteTo(served, question, TimeSpan.FromSeconds(40.7), stale: false);

        Assert.Equal(question, served[12..(12 + question.Length)]);
        Assert.Equal([60u, 60u], Ttls(served[..length], 2));
    }

    [Fact]
    public void ServesStaleRecordsWithTtl30()
    {
        var answer = CachedAnswer.Parse(new UpstreamMessage("www.example.org", 1).Answer(300, 192, 0, 2, 1).ToArray(), Limits, 0)!;
        var served = new byte[512];

        var length = answer.WriteTo(served, Question("www.example.org", 1), TimeSpan.FromHours(2), stale: true);

        Assert.Equal([30u], Ttls(served[..length], 1));
    }

    [Theory]
    [InlineData(100, CacheFreshness.Fresh)]
    [InlineData(119.9, CacheFreshness.Fresh)]
    [InlineData(120, CacheFreshness.Stale)]
    [InlineData(86519, CacheFreshness.Stale)]
    [InlineData(86520, CacheFreshness.Expired)]
    public void IsFreshThenStaleForADayThenExpired(double seconds, CacheFreshness expected)
    {
        var answer = CachedAnswer.Parse(new UpstreamMessage("www.example.org", 1).Answer(120, 192, 0, 2, 1).ToArray(), Limits, 0)!;

        Assert.Equal(expected, answer.Freshness(TimeSpan.FromSeconds(seconds), Limits.ServeStaleFor));
    }

    [Fact]
    public void AFailureIsNeverStale()
    {
        var answer = CachedAnswer.Parse(new UpstreamMessage("www.example.org", 1, rcode: 2).ToArray(), Limits, 0)!;

        Assert.Equal(CacheFreshness.Expired, answer.Freshness(TimeSpan.FromSeconds(6), Limits.ServeStaleFor));
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(107, false)]
    [InlineData(108, true)]
    public void PrefetchesInTheLastTenthOfItsTtl(double seconds, bool expected)
    {
        var answer = CachedAnswer.Parse(new UpstreamMessage("www.example.org", 1).Answer(120, 192, 0, 2, 1).ToArray(), Limits, 0)!;

        Assert.Equal(expected, answer.NeedsPrefetch(TimeSpan.FromSeconds(seconds)));
    }

    internal static CacheOptions Parsed(CacheOptions options)
    {
        var errors = new List<string>();
        options.Parse(errors);
        Assert.Empty(errors);
        return options;
    }

    private static byte[] Question(string name, ushort type) => [.. UpstreamMessage.Name(name), (byte)(type >> 8), (byte)type, 0, 1];

    private static byte[] Serve(CachedAnswer answer)
    {
        var served = new byte[512];
        var question = new byte[answer.QuestionEnd - 12];
        return served[..answer.WriteTo(served, question, TimeSpan.Zero, stale: false)];
    }

    private static int[] Counts(byte[] message) =>
        [BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)), BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(8)), BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10))];

    /// <summary>TTLs of the first <paramref name="count"/> answer records (owners are 2-byte pointers, A records).</summary>
    private static uint[] Ttls(byte[] message, int count)
    {
        var offset = Endpoints.DnsOverride.Protocol.MessageReader.SkipQuestion(message);
        var ttls = new uint[count];
        for (var i = 0; i < count; i++)
        {
            ttls[i] = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(offset + 6));
            offset += 2 + 10 + 4;
        }

        return ttls;
    }
}
