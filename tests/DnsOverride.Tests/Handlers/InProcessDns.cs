using System.Net;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Tests.Handlers;

/// <summary>
/// The DNS server's query path in process, wired by <see cref="DnsOverrideServices"/> as the host wires it, over zones
/// loaded once, on the clock the test gives (a fake one ages the cache and the rate limiter's buckets at its word).
/// Queries arrive as the UDP or TCP listener hands them over; the upstreams are real sockets.
/// </summary>
internal sealed class InProcessDns : IDisposable
{
    private readonly ServiceProvider _services;

    private InProcessDns(IConfiguration configuration, TimeProvider time, Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection().AddMetrics().AddLogging().AddSingleton(time).AddDnsOverrideServices(configuration);
        configure?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Get<ZoneStore>().Reload("test");
        Pipeline = Get<QueryPipeline>();
    }

    public QueryPipeline Pipeline { get; }

    /// <summary>The last query served: its decision, rcode and response.</summary>
    public QueryContext Context { get; } = new();

    /// <summary>From settings as the command line gives them (<c>DnsOverride:Zones</c> ...), validated as at start.</summary>
    public static InProcessDns Start(IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var dns = new InProcessDns(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), time ?? TimeProvider.System, null);
        _ = dns.Get<IOptions<DnsOverrideOptions>>().Value;
        return dns;
    }

    /// <summary>From options already set up (<see cref="Configuration.TestOptions"/>); <paramref name="configure"/> replaces services (a logger).</summary>
    public static InProcessDns Start(IOptions<DnsOverrideOptions> options, TimeProvider? time = null, Action<IServiceCollection>? configure = null) =>
        new(new ConfigurationBuilder().Build(), time ?? TimeProvider.System, services =>
        {
            services.AddSingleton(options);
            configure?.Invoke(services);
        });

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Serves <paramref name="query"/> from <paramref name="client"/> (127.0.0.1 by default); the task ends with the response.</summary>
    public async Task<byte[]> ExchangeAsync(byte[] query, DnsTransport transport = DnsTransport.Udp, IPEndPoint? client = null)
    {
        Prepare(query, transport, client);
        await Pipeline.ServeAsync(Context, CancellationToken.None);
        return Context.Response.AsSpan(0, Context.ResponseLength).ToArray();
    }

    /// <summary>Puts <paramref name="query"/> into <see cref="Context"/> as a listener would, for tests that call the pipeline themselves.</summary>
    public void Prepare(ReadOnlySpan<byte> query, DnsTransport transport = DnsTransport.Udp, IPEndPoint? client = null)
    {
        client ??= new IPEndPoint(IPAddress.Loopback, 5353);
        Context.Reset(transport);
        if (transport == DnsTransport.Udp)
        {
            Context.TcpRemote = null;
            var address = client.Serialize();
            address.Buffer.Span.CopyTo(Context.UdpRemote.Buffer.Span);
            Context.UdpRemote.Size = address.Size;
        }
        else
        {
            Context.TcpRemote = client;
        }

        query.CopyTo(Context.Request);
        Context.RequestLength = query.Length;
    }

    public void Dispose() => _services.Dispose();
}
