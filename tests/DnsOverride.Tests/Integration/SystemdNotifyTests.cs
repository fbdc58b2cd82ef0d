using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// The server as a <c>Type=notify</c> unit sees it: given a <c>NOTIFY_SOCKET</c>, it sends <c>READY=1</c> only once its
/// DNS and HTTP listeners are bound, and <c>STOPPING=1</c> on SIGTERM.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task ReadyOnlyAfterTheListenersAreBoundAndStoppingOnSigterm()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var systemd = SystemdStandIn.Start(
            "dotnet", [DnsServerProcess.ServerDll, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--zones", zones.Path, "--upstream", "127.0.0.1:9"]);
        var server = systemd.Parent;

        var (ready, boundAtReady) = await systemd.WaitForReadyAsync(TimeSpan.FromSeconds(30));
        Assert.True(await server.WaitForOutputAsync("Listening on http", TimeSpan.FromSeconds(10)), server.Output);
        var stopping = await systemd.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("READY=1", Assert.Single(ready));
        Assert.Contains($"udp:{server.BoundPort("Listening on udp")}", boundAtReady);
        Assert.Contains($"tcp:{server.BoundPort("Listening on tcp")}", boundAtReady);
        Assert.Contains($"tcp:{server.BoundPort("Listening on http")}", boundAtReady);
        Assert.Equal("STOPPING=1", Assert.Single(stopping));
        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(15)), server.Output);
        Assert.Equal(0, server.ExitCode);
    }
}
