using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>One real server on the test zones for a test class; its upstream is a port where nothing listens.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _zones = new();

    public DnsServerProcess Server { get; private set; } = null!;

    public int Port => Server.Port;

    public async Task InitializeAsync()
    {
        TestZones.CopyAll(_zones);
        Server = await DnsServerProcess.StartAsync(_zones.Path, extra: ["--allow-recursion", "127.0.0.0/8"]);
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        _zones.Dispose();
        return Task.CompletedTask;
    }
}
