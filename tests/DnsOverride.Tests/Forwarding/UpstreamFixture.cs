using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>BIND serving example.org (the "internet" upstream), and our server forwarding to it.</summary>
public sealed class UpstreamFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _zones = new();

    public ConfiguredProcess Upstream { get; private set; } = null!;

    public DnsServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var zone = "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\nwww A 203.0.113.80\n" +
            string.Concat(Enumerable.Range(0, 30).Select(i => $"big TXT \"{i:D3}{new string('y', 100)}\"\n"));
        var file = _directory.Write("example.org.zone", zone);
        Upstream = await NamedProcess.StartAuthoritativeAsync([("example.org", file)], "server-id \"upstream-ns\";");
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
