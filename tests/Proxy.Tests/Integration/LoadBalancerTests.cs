using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>The proxy behind a real HAProxy sending PROXY v2, draining on SIGTERM, and its check command.</summary>
[Trait("Category", "Integration")]
public sealed class LoadBalancerTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task PolicyAndLogsUseTheClientAddressFromHaproxysProxyV2Header()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin, ["--proxy-protocol-from", "127.0.0.1/32"]);
        using var haproxy = await HaproxyProcess.StartAsync(proxy.TlsPort, "10.20.30.40", "192.168.7.7");
        var corporate = haproxy.Ports["10.20.30.40"];
        var guest = haproxy.Ports["192.168.7.7"];

        var (allowed, allowedOutput) = await Curl.RunAsync("--cacert", fixture.Certificates.CaFile,
            "--resolve", $"mybucket.s3.amazonaws.com:{corporate}:127.0.0.1", $"https://mybucket.s3.amazonaws.com:{corporate}/via-lb");
        var before = fixture.Origin.Connections;
        var (denied, _) = await Curl.RunAsync("--cacert", fixture.Certificates.CaFile,
            "--resolve", $"mybucket.s3.amazonaws.com:{guest}:127.0.0.1", $"https://mybucket.s3.amazonaws.com:{guest}/");

        Assert.True(allowed == 0, allowedOutput + proxy.Output);
        Assert.Contains("path=/via-lb", allowedOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, denied);
        Assert.Equal(before, fixture.Origin.Connections);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            "client=10\\.20\\.30\\.40:\\d+ mode=tls dest=mybucket.s3.amazonaws.com:443 \\S+ decision=allow", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            "client=192\\.168\\.7\\.7:\\d+ mode=tls dest=mybucket.s3.amazonaws.com:443 decision=deny", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    [Fact]
    public async Task ALoadBalancerConnectionWithoutHeaderIsRefused()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin, ["--proxy-protocol-from", "127.0.0.1/32"]);

        var (exit, _) = await Curl.RunAsync("--cacert", fixture.Certificates.CaFile,
            "--resolve", $"mybucket.s3.amazonaws.com:{proxy.TlsPort}:127.0.0.1", $"https://mybucket.s3.amazonaws.com:{proxy.TlsPort}/");

        Assert.NotEqual(0, exit);
        Assert.True(await proxy.Process.WaitForOutputAsync("end=bad PROXY header", TimeSpan.FromSeconds(5)), proxy.Output);
    }

    [Fact]
    public async Task HealthChecksFromTheLoadBalancerMayCarryAProxyHeader()
    {
        using var trusting = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin, ["--proxy-protocol-from", "127.0.0.1/32"]);

        var none = await RawHttp.SendAsync(trusting.HealthPort, [], "/readyz");
        var v1 = await RawHttp.SendAsync(trusting.HealthPort, RawHttp.ProxyV1("10.9.8.7"), "/readyz");
        var v2Local = await RawHttp.SendAsync(trusting.HealthPort, RawHttp.ProxyV2Local(), "/readyz");
        var v2 = await RawHttp.SendAsync(trusting.HealthPort, RawHttp.ProxyV2Proxied(), "/healthz");
        var broken = await RawHttp.SendAsync(trusting.HealthPort, [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x30, 0, 0, 0], "/readyz");
        var untrusted = await RawHttp.SendAsync(fixture.Proxy.HealthPort, RawHttp.ProxyV2Local(), "/readyz");

        Assert.Equal([200, 200, 200, 200], new[] { none, v1, v2Local, v2 }.Select(RawHttp.StatusOf));
        Assert.Equal(0, RawHttp.StatusOf(broken));
        Assert.Equal(400, RawHttp.StatusOf(untrusted));
        Assert.Equal(200, RawHttp.StatusOf(await RawHttp.SendAsync(fixture.Proxy.HealthPort, [], "/readyz")));
    }

    [Fact]
    public async Task SigtermDrainsOpenTunnelsThenExits()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.ConnectPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT raw.s3.amazonaws.com:{fixture.Origin.RawPort} HTTP/1.1\r\n\r\n"));
        var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 200 Connection established", await reader.ReadLineAsync());
        await reader.ReadLineAsync();

        proxy.Process.Signal(Signals.SIGTERM);
        Assert.True(await proxy.Process.WaitForOutputAsync("Draining: 1 tunnels open", TimeSpan.FromSeconds(5)), proxy.Output);
        var (_, ready) = await Curl.RunAsync($"http://127.0.0.1:{proxy.HealthPort}/readyz");
        var refused = await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var late = new TcpClient();
            await late.ConnectAsync(IPAddress.Loopback, proxy.ConnectPort);
        });

        await stream.WriteAsync(new byte[100_000]);
        client.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal("got 100000 bytes", await reader.ReadLineAsync());
        Assert.Equal("draining", ready.Trim());
        Assert.NotNull(refused);
        Assert.True(proxy.Process.WaitForExit(TimeSpan.FromSeconds(10)), "did not exit after its last tunnel closed");
        Assert.Equal(0, proxy.Process.ExitCode);
        Assert.Contains("Stopped; 0 tunnels were cut", proxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckValidatesPolicyFiles()
    {
        var broken = fixture.Directory.Write("broken.json", """
            { "rules": [
              { "name": "x", "action": "allow", "sources": ["nope"], "destinations": ["a.example"], "port": [443] }
            ] }
            """);

        var (good, goodOutput) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", fixture.PolicyFile);
        var (bad, badOutput) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", broken);

        Assert.True(good == 0, goodOutput);
        Assert.Equal(1, bad);
        Assert.Contains($"{broken}:2:49: source 'nope' is not an IP address or CIDR", badOutput, StringComparison.Ordinal);
        Assert.Contains($"{broken}:2:89: unknown key 'port'; did you mean 'ports'?", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesToStartWithAMisspeltPolicyKey()
    {
        using var directory = new TempDirectory();
        var policy = directory.Write("policy.json", """
            { "rules": [ { "name": "x", "action": "allow", "sources": ["0.0.0.0/0"], "destinations": ["a.example"], "prots": [443] } ] }
            """);

        var (exit, output) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "--connect", "127.0.0.1:0", "--policy", policy, "--resolver", "127.0.0.1");

        Assert.Equal(2, exit);
        Assert.Contains($"{policy}:1:105: unknown key 'prots'; did you mean 'ports'?", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyChangesApplyWithoutRestartAndBrokenEditsKeepTheLastGood()
    {
        using var directory = new TempDirectory();
        var policy = ProxyFixture.WritePolicy(directory, fixture.Origin);
        using var proxy = await ProxyProcess.StartAsync(policy, fixture.Resolver.Port, fixture.Origin);
        var url = $"https://mybucket.s3.amazonaws.com:{fixture.Origin.TlsPort}/";
        var via = $"http://127.0.0.1:{proxy.ConnectPort}";
        Assert.Equal(0, (await Curl.RunAsync("--cacert", fixture.Certificates.CaFile, "-x", via, url)).ExitCode);

        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"admin.s3.amazonaws.com\"", "\"mybucket.s3.amazonaws.com\"", StringComparison.Ordinal));
        Assert.True(await proxy.Process.WaitForOutputAsync("(files changed): 2 rules", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.NotEqual(0, (await Curl.RunAsync("--cacert", fixture.Certificates.CaFile, "-x", via, url)).ExitCode);

        // A typo that would widen a rule if ignored: the last good policy stays, and mybucket stays denied.
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"destinations\"", "\"destination\"", StringComparison.Ordinal));
        Assert.True(await proxy.Process.WaitForOutputAsync("not loaded (files changed), keeping the last good one", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.Contains("unknown key 'destination'; did you mean 'destinations'?", proxy.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Curl.RunAsync("--cacert", fixture.Certificates.CaFile, "-x", via, url)).ExitCode);
    }

    [Fact]
    public async Task ASecondInstanceOnTheSamePortsFailsToStart()
    {
        using var directory = new TempDirectory();
        var denyAll = directory.Write("deny.json", """{ "rules": [ { "name": "none", "action": "deny", "sources": ["0.0.0.0/0"], "destinations": ["*.example"] } ] }""");

        var (exit, output) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "--connect", $"127.0.0.1:{fixture.Proxy.ConnectPort}",
            "--health", "127.0.0.1:0", "--policy", denyAll, "--resolver", "127.0.0.1");

        Assert.Equal(1, exit);
        Assert.Contains($"error: cannot listen on tcp 127.0.0.1:{fixture.Proxy.ConnectPort}: Address already in use", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyReloadsOnSighup()
    {
        using var directory = new TempDirectory();
        var policy = ProxyFixture.WritePolicy(directory, fixture.Origin);
        using var proxy = await ProxyProcess.StartAsync(policy, fixture.Resolver.Port, fixture.Origin);

        proxy.Process.Signal(Signals.SIGHUP);

        Assert.True(await proxy.Process.WaitForOutputAsync($"Policy loaded from {policy} (SIGHUP): 2 rules", TimeSpan.FromSeconds(10)), proxy.Output);
        Assert.False(proxy.Process.HasExited);
    }
}
