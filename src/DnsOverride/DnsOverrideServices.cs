using Endpoints.Common.Configuration;
using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.Observability;
using Endpoints.DnsOverride.RateLimiting;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Transfers;
using Endpoints.DnsOverride.Tsig;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride;

/// <summary>The DNS server's services, for the host and for tests that drive the query path in process.</summary>
internal static class DnsOverrideServices
{
    public static IServiceCollection AddDnsOverrideServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DnsOverrideOptions>().Bind(configuration.GetSection(DnsOverrideOptions.Section)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<DnsOverrideOptions>, DnsOverrideOptionsSetup>();
        services.AddSingleton<IValidateOptions<DnsOverrideOptions>, DnsOverrideOptionsValidator>();
        services.AddSingleton<IValidateOptions<DnsOverrideOptions>>(new KnownKeysValidator<DnsOverrideOptions>(configuration, DnsOverrideOptions.Section));
        services.AddSingleton<DnsMetrics>();
        services.AddSingleton<ZoneStore>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<ServerReadiness>();
        services.AddSingleton<Forwarder>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<CachingResolver>();
        services.AddSingleton<RequestValidationHandler>();
        services.AddSingleton<TsigHandler>();
        services.AddSingleton<TransferHandler>();
        services.AddSingleton<AuthoritativeHandler>();
        services.AddSingleton<ForwardingHandler>();
        services.AddSingleton<ResponseRateLimiter>();
        services.AddSingleton<QueryPipeline>();
        return services;
    }
}
