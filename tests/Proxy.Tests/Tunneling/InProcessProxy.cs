using System.Net;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Policy;
using Endpoints.Proxy.Tunneling;
using Endpoints.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Tests.Tunneling;

/// <summary>
/// The proxy's real connection path (listener, handshake, policy, dial, tunnel) in this process, on a loopback
/// port, with a policy that allows 127.0.0.1: for tests that count what it allocates or watch its connections.
/// </summary>
internal sealed class InProcessProxy : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _abort = new();
    private readonly ProxyListener _listener;

    public InProcessProxy()
    {
        var policy = _directory.Write("policy.json", """
            { "rules": [ { "name": "local", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1/32"] } ] }
            """);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxy:Policy"] = policy,
            ["Proxy:Resolver:0"] = "127.0.0.1:9",
            ["Proxy:AllowRange:0"] = "127.0.0.1/32",
            ["Proxy:MaxConnectionsPerSource"] = "100000",
        }).Build();
        _services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddMetrics()
            .AddProxyServices(configuration)
            .BuildServiceProvider();
        _ = _services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        _services.GetRequiredService<PolicyStore>().Reload("test");
        Tracker = _services.GetRequiredService<ConnectionTracker>();
        _listener = new ProxyListener(
            new IPEndPoint(IPAddress.Loopback, 0), ListenerMode.Connect, _services.GetRequiredService<ConnectionHandler>(),
            _services.GetRequiredService<Endpoints.Proxy.TlsToProxy.TlsToProxyBridge>(), Tracker,
            _services.GetRequiredService<ConnectionDeadlines>(), _services.GetRequiredService<ILogger<InProcessProxy>>());
        _listener.Start(_abort.Token);
    }

    public int Port => _listener.EndPoint.Port;

    /// <summary>Connections open now.</summary>
    public ConnectionTracker Tracker { get; }

    public async ValueTask DisposeAsync()
    {
        await _listener.StopAsync();
        _listener.Dispose();
        _abort.Dispose();
        await _services.DisposeAsync();
        _directory.Dispose();
    }
}
