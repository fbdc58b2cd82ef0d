using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>BIND serving example.org as the upstream, and our server with its cache (defaults) forwarding to it.</summary>
public sealed class CacheUpstreamFixture : IAsyncLifetime
{
    /// <summary>Negative answers from the upstream live this long (the SOA's MINIMUM and TTL).</summary>
    public const int NegativeTtl = 5;

    private readonly TempDirectory _zones = new();
    private readonly TempDirectory _directory = new();

    public ConfiguredProcess Upstream { get; private set; } = null!;

    public DnsServerProcess Server { get; private set; } = null!;

    public static string ZoneText =>
        $"$TTL 300\n@ SOA ns h 1 3600 600 86400 {NegativeTtl}\n@ NS ns\nns A 192.0.2.53\nwww A 203.0.113.80\ncountdown A 203.0.113.81\n" +
        "short 1 A 203.0.113.82\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"big TXT \"{i:D3}{new string('y', 100)}\"\n"));

    public static Task<ConfiguredProcess> StartUpstreamAsync(TempDirectory directory) =>
        NamedProcess.StartAuthoritativeAsync([("example.org", directory.Write("example.org.zone", ZoneText))]);

    public async Task InitializeAsync()
    {
        Upstream = await StartUpstreamAsync(_directory);
        TestZones.CopyAll(_zones);
        Server = await DnsServerProcess.StartAsync(_zones.Path, [$"127.0.0.1:{Upstream.Port}"]);
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        Upstream.Dispose();
        _zones.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
