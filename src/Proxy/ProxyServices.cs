using Endpoints.Common.Configuration;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Health;
using Endpoints.Proxy.Policy;
using Endpoints.Proxy.Resolution;
using Endpoints.Proxy.Telemetry;
using Endpoints.Proxy.TlsToProxy;
using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy;

/// <summary>The proxy's services, for the host and for tests that drive the connection path in process.</summary>
internal static class ProxyServices
{
    public static IServiceCollection AddProxyServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<ProxyOptions>, ProxyOptionsSetup>();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddSingleton<IValidateOptions<ProxyOptions>>(new KnownKeysValidator<ProxyOptions>(configuration, ProxyOptions.Section));
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<DestinationResolver>();
        services.AddSingleton(provider =>
            new DestinationGuard(provider.GetRequiredService<IOptions<ProxyOptions>>().Value.AllowRangeNetworks, []));
        services.AddSingleton(provider => new ConnectionTracker(provider.GetRequiredService<IOptions<ProxyOptions>>().Value.MaxConnections));
        services.AddSingleton(provider => new SourceLimiter(provider.GetRequiredService<IOptions<ProxyOptions>>().Value.MaxConnectionsPerSource));
        services.AddSingleton(provider =>
        {
            var readiness = new Readiness();
            provider.GetRequiredService<ProxyMetrics>().ObserveState(() => !readiness.IsReady, provider.GetRequiredService<IOptions<ProxyOptions>>().Value.MaxConnections);
            return readiness;
        });
        services.AddSingleton(provider =>
            new ConnectionDeadlines(provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<IOptions<ProxyOptions>>().Value.IdleTimeout));
        services.AddSingleton(provider => new FailureLimiter(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ProxyOptions>>().Value;
            var time = provider.GetRequiredService<TimeProvider>();
            var failures = provider.GetRequiredService<FailureLimiter>();
            var schemes = new List<IProxyAuthScheme>();
            if (options.KeytabInUse is not null)
            {
                schemes.Add(new NegotiateScheme(provider.GetRequiredService<GssAcceptor>()));
            }

            if (options.Users is not null)
            {
                schemes.Add(new BasicAuthenticator(provider.GetRequiredService<UsersStore>(), time, failures, options.AuthRealm, options.AllowBasicOverPlaintext));
            }

            return new ProxyAuthenticator(schemes, failures, provider.GetRequiredService<ProxyMetrics>());
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ProxyOptions>>().Value;
            return GssAcceptor.Create(
                options.Spn, options.KeytabInUse ?? throw new InvalidOperationException("no keytab"), provider.GetRequiredService<ILogger<GssAcceptor>>());
        });
        services.AddSingleton(provider => new UsersStore(
            provider.GetRequiredService<IOptions<ProxyOptions>>().Value.Users ?? string.Empty, provider.GetRequiredService<ILogger<UsersStore>>()));
        services.AddSingleton<HandshakeReader>();
        services.AddSingleton<Dialer>();
        services.AddSingleton<ConnectionHandler>();
        services.AddSingleton<ProxyCertificateStore>();
        services.AddSingleton<TlsToProxyBridge>();
        return services;
    }
}
