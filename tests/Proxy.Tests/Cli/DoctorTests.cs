using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Cli;

/// <summary>
/// <c>doctor</c> on the real path: BIND as the corporate resolver (forwarding the zone to our DNS server, or not),
/// our DNS server, the proxy, and a TLS service. Each way the path breaks is made and found at its step: a missing
/// forwarder, a policy denial, a guarded address, a proxy that is down, a name overridden to the wrong service.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DoctorTests(DoctorTests.PathFixture path) : IClassFixture<DoctorTests.PathFixture>
{
    [Fact]
    public async Task AWorkingPathIsOkAtEveryStep()
    {
        var (exit, output) = await DoctorAsync($"bucket.s3.amazonaws.com:{path.Origin.TlsPort}", path.Corporate.Port);

        // Each check prints the whole report when it fails: a truncated one says nothing about why.
        Assert.True(exit == 0, output);
        Assert.True(Regex.IsMatch(output, @"1 resolver  ok      the client's resolver answers 127\.0\.0\.1, our load balancer"), output);
        Assert.True(Regex.IsMatch(output, @"2 our-dns   ok      our DNS server answers 127\.0\.0\.1 authoritatively, TTL 60 s, zone serial 7"), output);
        Assert.True(output.Contains("3 proxy     ok", StringComparison.Ordinal), output);
        Assert.True(output.Contains("4 upstream  ok", StringComparison.Ordinal), output);
        Assert.True(Regex.IsMatch(output, @"5 tls       ok      TLS Tls1[23] with a certificate for bucket\.s3\.amazonaws\.com"), output);
    }

    [Fact]
    public async Task AResolverWithoutTheForwarderIsFoundAtStep1()
    {
        var (exit, output) = await DoctorAsync($"bucket.s3.amazonaws.com:{path.Origin.TlsPort}", path.Public.Port);

        Assert.Equal(1, exit);
        Assert.Contains("1 resolver  fail    the client's resolver answers 52.216.1.1, our DNS server 127.0.0.1", output, StringComparison.Ordinal);
        Assert.Contains("fix: add a conditional forwarder for the zone to our DNS servers", output, StringComparison.Ordinal);
        Assert.Contains("FAILED at step 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APolicyDenialAndAGuardedAddressAreFoundAtStep3()
    {
        var (denied, deniedOutput) = await DoctorAsync($"admin.s3.amazonaws.com:{path.Origin.TlsPort}", path.Corporate.Port);
        var (guarded, guardedOutput) = await DoctorAsync($"imds.s3.amazonaws.com:{path.Origin.TlsPort}", path.Corporate.Port);

        Assert.Equal((1, 1), (denied, guarded));
        Assert.True(Regex.IsMatch(deniedOutput, @"3 proxy     fail    127\.0\.0\.1:\d+ refuses: HTTP/1\.1 403 Forbidden: denied: denied by rule \(no-admin\)"), deniedOutput);
        Assert.True(Regex.IsMatch(guardedOutput, @"3 proxy     fail    127\.0\.0\.1:\d+ refuses: HTTP/1\.1 403 Forbidden: .*169\.254\.169\.254"), guardedOutput);
        Assert.Contains("4 upstream  skipped", deniedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxyThatIsDownIsFoundAtStep3WithinItsDeadline()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output) = await DoctorAsync($"bucket.s3.amazonaws.com:{path.Origin.TlsPort}", path.Corporate.Port, $"127.0.0.1:{path.ClosedPort}");

        Assert.Equal(1, exit);
        Assert.Matches(@"3 proxy     fail    cannot reach 127\.0\.0\.1:\d+: Connection refused", output);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ANameOverriddenToTheWrongServiceIsFoundAtStep5()
    {
        var (exit, output) = await DoctorAsync($"bucket.other.test:{path.Origin.TlsPort}", path.Corporate.Port);

        Assert.Equal(1, exit);
        Assert.Contains("5 tls       fail    the certificate is for s3.amazonaws.com, not bucket.other.test", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OurDnsServerDownIsFoundAtStep2AndANameOutsideOurZonesIsOnlyAWarning()
    {
        var (down, downOutput) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "doctor", "bucket.s3.amazonaws.com", "--dns", $"127.0.0.1:{path.ClosedPort}",
            "--resolver", $"127.0.0.1:{path.Corporate.Port}");
        var (outside, outsideOutput) = await DoctorAsync("www.example.org", path.Corporate.Port);

        Assert.Equal(1, down);
        Assert.Contains("2 our-dns   fail    our DNS server: no answer from 127.0.0.1:", downOutput, StringComparison.Ordinal);
        Assert.Contains("fix: start it, or check --dns and the firewall to it", downOutput, StringComparison.Ordinal);
        Assert.Equal(0, outside);
        Assert.Contains("2 our-dns   warn    our DNS server forwards the name (not AA)", outsideOutput, StringComparison.Ordinal);
        Assert.Contains("3 proxy     skipped", outsideOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonSaysTheSameStepByStep()
    {
        var (exit, output) = await DoctorAsync($"admin.s3.amazonaws.com:{path.Origin.TlsPort}", path.Corporate.Port, format: "json");
        var json = JsonNode.Parse(output)!;

        Assert.Equal(1, exit);
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Equal(["ok", "ok", "fail", "skipped", "skipped"], json["steps"]!.AsArray().Select(s => s!["verdict"]!.GetValue<string>()));
    }

    private Task<(int ExitCode, string Output)> DoctorAsync(string target, int resolverPort, string? via = null, string format = "text") =>
        Tools.RunAsync("dotnet", ProxyProcess.Dll, "doctor", target, "--dns", $"127.0.0.1:{path.Ours.Port}", "--resolver", $"127.0.0.1:{resolverPort}",
            "--via", via ?? $"127.0.0.1:{path.Proxy.ConnectPort}", "--format", format);

    /// <summary>The path's parts, shared by the tests: each asks its own names.</summary>
    public sealed class PathFixture : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();
        private readonly Socket _closed = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public OriginServer Origin { get; private set; } = null!;

        public DnsServerProcess Ours { get; private set; } = null!;

        public ConfiguredProcess Corporate { get; private set; } = null!;

        public ConfiguredProcess Public { get; private set; } = null!;

        public ProxyProcess Proxy { get; private set; } = null!;

        public int ClosedPort => ((IPEndPoint)_closed.LocalEndPoint!).Port;

        public async Task InitializeAsync()
        {
            _closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var certificates = new TestCertificates(_directory.Path, "s3.amazonaws.com", "*.s3.amazonaws.com");
            Origin = new OriginServer(certificates.Server);
            var zones = Directory.CreateDirectory(_directory.File("zones")).FullName;
            File.WriteAllText(Path.Combine(zones, "s3.amazonaws.com.zone"),
                "$TTL 60\n@ SOA ns h 7 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\nimds A 169.254.169.254\n");
            File.WriteAllText(Path.Combine(zones, "other.test.zone"), "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\n");
            Ours = await DnsServerProcess.StartAsync(zones);
            Corporate = await NamedProcess.StartForwarderAsync(["s3.amazonaws.com", "other.test"], Ours.Port);
            var publicZone = _directory.Write("public-s3.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n@ A 52.216.1.1\n* A 52.216.1.1\n");
            Public = await NamedProcess.StartAuthoritativeAsync([("s3.amazonaws.com", publicZone)]);
            var port = Origin.TlsPort.ToString(CultureInfo.InvariantCulture);
            var policy = _directory.Write("policy.json", $$"""
                { "rules": [
                  { "name": "no-admin", "action": "deny", "sources": ["127.0.0.0/8"], "destinations": ["admin.s3.amazonaws.com"] },
                  { "name": "buckets", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["*.s3.amazonaws.com", "*.other.test"], "ports": [{{port}}] }
                ] }
                """);
            Proxy = await ProxyProcess.StartAsync(policy, Ours.Port, Origin);
        }

        public Task DisposeAsync()
        {
            Proxy.Dispose();
            Public.Dispose();
            Corporate.Dispose();
            Ours.Dispose();
            Origin.Dispose();
            _closed.Dispose();
            _directory.Dispose();
            return Task.CompletedTask;
        }
    }
}
