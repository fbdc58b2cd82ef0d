using ARSoft.Tools.Net.Dns;
using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Tests.Handlers;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// The cache as its entries age, on a fake clock: the query path in process over BIND as the upstream, and the test
/// moves time, so TTLs, negative caching, prefetch and stale answers are checked to the second without waiting them out.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CacheAgingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly TempDirectory _zones = new();
    private readonly TempDirectory _directory = new();
    private ConfiguredProcess _upstream = null!;
    private InProcessDns _dns = null!;

    private CachingResolver Resolver => _dns.Get<CachingResolver>();

    public async Task InitializeAsync()
    {
        TestZones.CopyAll(_zones);
        _upstream = await CacheUpstreamFixture.StartUpstreamAsync(_directory);
        // A stale answer waits a minute on the fake clock: far past the forwarder's deadline on the real one, so an
        // answer before that deadline can only be the fake clock's doing.
        _dns = InProcessDns.Start(
            new Dictionary<string, string?>
            {
                ["DnsOverride:Zones"] = _zones.Path,
                ["DnsOverride:Upstream:0"] = $"127.0.0.1:{_upstream.Port}",
                ["DnsOverride:Cache:StaleAnswerClientTimeout"] = "1m",
            },
            _time);
    }

    public Task DisposeAsync()
    {
        _dns.Dispose();
        _upstream.Dispose();
        _zones.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TtlsCountDownOnTheCachesClock()
    {
        var first = await AskAsync("countdown.example.org");
        AssertDecision(QueryDecision.Forwarded);
        Assert.Equal(300, first.AnswerRecords.Single().TimeToLive);

        _time.Advance(TimeSpan.FromSeconds(12.4));
        var later = await AskAsync("countdown.example.org");

        AssertDecision(QueryDecision.Cached);
        Assert.Equal(288, later.AnswerRecords.Single().TimeToLive);
        Assert.Equal(1, Resolver.Misses);
    }

    [Fact]
    public async Task NxdomainIsCachedForTheSoaMinimumThenAskedAgain()
    {
        Assert.Equal(ReturnCode.NxDomain, (await AskAsync("nx-cached.example.org")).ReturnCode);

        // Up to the last tenth of its life (where a query would prefetch it), the NXDOMAIN comes from the cache.
        _time.Advance(TimeSpan.FromSeconds(CacheUpstreamFixture.NegativeTtl * 0.89));
        var cached = await AskAsync("nx-cached.example.org");
        AssertDecision(QueryDecision.Cached);
        Assert.Equal(ReturnCode.NxDomain, cached.ReturnCode);
        Assert.InRange(cached.AuthorityRecords.Single().TimeToLive, 0, 1);

        _time.Advance(TimeSpan.FromSeconds(CacheUpstreamFixture.NegativeTtl * 0.11 + 0.01));
        var again = await AskAsync("nx-cached.example.org");

        AssertDecision(QueryDecision.Forwarded);
        Assert.Equal(ReturnCode.NxDomain, again.ReturnCode);
        Assert.Equal(2, Resolver.Misses);
        Assert.Equal(0, Resolver.Prefetches);
    }

    [Fact]
    public async Task AnEntryAskedForInTheLastTenthOfItsTtlIsRefreshedBehindTheAnswer()
    {
        await AskAsync("www.example.org");
        AssertDecision(QueryDecision.Forwarded);

        // At 275 s of 300: answered from the cache at once, and fetched again behind it.
        _time.Advance(TimeSpan.FromSeconds(275));
        var hit = await AskAsync("www.example.org");
        AssertDecision(QueryDecision.Cached);
        Assert.Equal(25, hit.AnswerRecords.Single().TimeToLive);
        Assert.Equal(1, Resolver.Prefetches);
        var refreshed = await Eventually.PollAsync(() => AskAsync("www.example.org"), m => m.AnswerRecords.Single().TimeToLive == 300, TimeSpan.FromSeconds(10));
        Assert.True(refreshed.Done, $"TTL {refreshed.Value.AnswerRecords.Single().TimeToLive} after the prefetch");

        // Past the first answer's expiry, the refreshed entry still answers: no client ever waited on the upstream.
        _time.Advance(TimeSpan.FromSeconds(26));
        var after = await AskAsync("www.example.org");

        AssertDecision(QueryDecision.Cached);
        Assert.Equal(274, after.AnswerRecords.Single().TimeToLive);
        Assert.Equal(1, Resolver.Misses);
        Assert.Equal(1, Resolver.Prefetches);
    }

    [Fact]
    public async Task AnExpiredEntryIsServedStaleWithEde3AfterTheClientTimeoutWhileTheUpstreamIsSilent()
    {
        await AskAsync("short.example.org");
        _time.Advance(TimeSpan.FromSeconds(2));
        await _upstream.PauseAsync();
        try
        {
            // The upstream gets the client timeout on the cache's clock; then the stale answer goes out.
            var asking = AskAsync("short.example.org");
            _time.Advance(TimeSpan.FromSeconds(59.9));
            Assert.False(asking.IsCompleted);
            _time.Advance(TimeSpan.FromSeconds(0.1));
            var stale = await asking.WaitAsync(TimeSpan.FromSeconds(10));

            AssertDecision(QueryDecision.Stale);
            Assert.Equal(["short.example.org. 30 in a 203.0.113.82"], DnsWire.Normalize(stale.AnswerRecords));
            Assert.Contains(stale.EDnsOptions!.Options, option => (int)option.Type == 15);

            // Answered while the upstream query is still waiting on the network (its deadline runs on the real clock).
            Assert.Equal(1, _dns.Get<Forwarder>().InFlight);
        }
        finally
        {
            _upstream.Signal(Signals.SIGCONT);
        }

        // The upstream answers the query it was sent once it runs again, and that answer replaces the stale entry.
        var fresh = await Eventually.PollAsync(
            async () => (await AskAsync("short.example.org"), _dns.Context.Decision), m => m.Decision == QueryDecision.Cached, TimeSpan.FromSeconds(10));
        Assert.True(fresh.Done, fresh.Value.Decision.ToString());
        Assert.Equal(1, fresh.Value.Item1.AnswerRecords.Single().TimeToLive);
        Assert.Equal(1, Resolver.StaleAnswers);
    }

    /// <summary>The last query's decision, and the forward's status when it is not the one expected.</summary>
    private void AssertDecision(QueryDecision expected) =>
        Assert.True(_dns.Context.Decision == expected, $"{_dns.Context.Decision} ({_dns.Context.ForwardStatus}), expected {expected}");

    private async Task<DnsMessage> AskAsync(string name) =>
        DnsWire.Parse(await _dns.ExchangeAsync(DnsWire.BuildQuery(name, 1, recursionDesired: true)));
}
