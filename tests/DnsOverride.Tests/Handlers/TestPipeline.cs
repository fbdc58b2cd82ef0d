using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.RateLimiting;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Transfers;
using Endpoints.DnsOverride.Tsig;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Tests.Handlers;

/// <summary>The whole handler chain in process, wired as Program.cs wires it, over zones already loaded.</summary>
internal static class TestPipeline
{
    /// <summary><paramref name="rateLimitClock"/>: the rate limiter's clock (a fake one holds its buckets still).</summary>
    public static QueryPipeline Create(IOptions<DnsOverrideOptions> options, DnsMetrics metrics, ILogger<QueryPipeline>? logger = null, TimeProvider? rateLimitClock = null)
    {
        var store = new ZoneStore(options, NullLogger<ZoneStore>.Instance, metrics);
        store.Reload("test");
        var forwarder = new Forwarder(options, TimeProvider.System, NullLogger<Forwarder>.Instance, metrics);
        var resolver = new CachingResolver(forwarder, new ResponseCache(options), store, options, TimeProvider.System, metrics, NullLogger<CachingResolver>.Instance);
        var health = new HealthMonitor(store, options, TimeProvider.System, metrics, NullLogger<HealthMonitor>.Instance);
        return new QueryPipeline(
            new RequestValidationHandler(), new TsigHandler(options, TimeProvider.System), new TransferHandler(store, options, TimeProvider.System),
            new AuthoritativeHandler(store, resolver, health, options), new ForwardingHandler(resolver, store, health),
            new ResponseRateLimiter(options, rateLimitClock ?? TimeProvider.System, NullLogger<ResponseRateLimiter>.Instance, metrics),
            options, metrics, logger ?? NullLogger<QueryPipeline>.Instance, TimeProvider.System);
    }
}
