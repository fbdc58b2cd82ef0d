using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>
/// The proxy as a <c>Type=notify</c> unit sees it: <c>READY=1</c> only once the tunnel and health listeners are
/// bound, <c>STOPPING=1</c> on SIGTERM (then it drains and exits).
/// </summary>
[Trait("Category", "Integration")]
public sealed class SystemdNotifyTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task ReadyOnlyAfterTheListenersAreBoundAndStoppingOnSigterm()
    {
        using var systemd = SystemdStandIn.Start("dotnet",
        [
            ProxyProcess.Dll, "--connect", "127.0.0.1:0", "--tls", "127.0.0.1:0", "--health", "127.0.0.1:0",
            "--policy", fixture.PolicyFile, "--resolver", $"127.0.0.1:{fixture.Resolver.Port}",
        ]);
        var proxy = systemd.Parent;

        var (ready, boundAtReady) = await systemd.WaitForReadyAsync(TimeSpan.FromSeconds(30));
        Assert.True(await proxy.WaitForOutputAsync("Listening for health", TimeSpan.FromSeconds(10)), proxy.Output);
        var stopping = await systemd.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("READY=1", Assert.Single(ready));
        Assert.Contains($"tcp:{proxy.BoundPort("Listening for connect on")}", boundAtReady);
        Assert.Contains($"tcp:{proxy.BoundPort("Listening for tls on")}", boundAtReady);
        Assert.Contains($"tcp:{proxy.BoundPort("Listening for health on")}", boundAtReady);
        Assert.Equal("STOPPING=1", Assert.Single(stopping));
        Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(15)), proxy.Output);
        Assert.Equal(0, proxy.ExitCode);
    }
}
