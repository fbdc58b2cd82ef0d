using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>The byte budget and SIEVE eviction, driven directly.</summary>
public sealed class ResponseCacheTests
{
    private static readonly CacheOptions Limits = CachedAnswerTests.Parsed(new CacheOptions());

    [Fact]
    public void StaysWithinItsSizeAndKeepsPopularNamesThroughAScanOfOneOffNames()
    {
        var cache = new ResponseCache(Options.Create(new DnsOverrideOptions { Cache = new CacheOptions { Size = 1 } }));
        var popular = Enumerable.Range(0, 100).Select(i => $"popular-{i}.example.org").ToArray();
        foreach (var name in popular)
        {
            cache.Store(name, Answer(name));
        }

        // 200,000 one-off names, about 40 times what fits; the popular ones asked for every 2,000 of them.
        for (var i = 0; i < 200_000; i++)
        {
            var name = $"scan-{i}.example.org";
            cache.Store(name, Answer(name));
            Assert.True(cache.Bytes <= 1024 * 1024, $"{cache.Bytes} bytes after {i} names");
            if (i % 2_000 == 0)
            {
                foreach (var key in popular)
                {
                    Assert.NotNull(cache.Find(key));
                }
            }
        }

        Assert.All(popular, key => Assert.NotNull(cache.Find(key)));
        Assert.InRange(cache.Evictions, 190_000, 200_000);
        Assert.InRange(cache.Count, 3_000, 6_000);
    }

    [Fact]
    public void ARefreshReplacesTheEntryAndItsBytes()
    {
        var cache = new ResponseCache(Options.Create(new DnsOverrideOptions { Cache = new CacheOptions { Size = 1 } }));
        var first = Answer("www.example.org");
        var second = Answer("www.example.org");

        cache.Store("k", first);
        var bytes = cache.Bytes;
        cache.Store("k", second);

        Assert.Same(second, cache.Find("k"));
        Assert.Equal(bytes, cache.Bytes);
        Assert.Equal(1, cache.Count);
        cache.Remove(first);
        Assert.Same(second, cache.Find("k"));
        cache.Remove(second);
        Assert.Null(cache.Find("k"));
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void SizeZeroKeepsNothing()
    {
        var cache = new ResponseCache(Options.Create(new DnsOverrideOptions { Cache = new CacheOptions { Size = 0 } }));

        cache.Store("k", Answer("www.example.org"));

        Assert.False(cache.Enabled);
        Assert.Null(cache.Find("k"));
    }

    private static CachedAnswer Answer(string name) =>
        CachedAnswer.Parse(new UpstreamMessage(name, 1).Answer(3600, 192, 0, 2, 1).ToArray(), Limits, 0)!;
}
