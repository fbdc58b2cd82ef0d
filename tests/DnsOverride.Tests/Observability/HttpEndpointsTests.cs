using System.Net;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Observability;

/// <summary>
/// The DNS server's HTTP listener as a load balancer and Prometheus use it: /readyz is 503 while zones load and
/// while the server drains, 200 in between; /healthz 200; /metrics scraped by a real Prometheus every second.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class HttpEndpointsTests
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task ReadyzIsUnavailableWhileZonesLoadThenReady()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        zones.Write("big.amazonaws.com.zone", "$TTL 60\n@ SOA ns h 1 3600 900 604800 60\n@ NS ns\nns A 10.0.0.1\n" +
            string.Concat(Enumerable.Range(0, 300_000).Select(i => $"h{i} A 10.{i >> 16}.{(i >> 8) & 255}.{i & 255}\n")));
        using var server = await ExternalProcess.StartAsync(
            "dotnet", [DnsServerProcess.ServerDll, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--zones", zones.Path, "--upstream", "127.0.0.1:9"],
            "Listening on http");
        var port = server.BoundPort("Listening on http");

        var first = await GetAsync(port, "/readyz");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var status = first;
        while (status.Code != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, server.Output);
            status = await GetAsync(port, "/readyz");
        }

        // The sockets themselves, at the moment of the first 200: log lines are written by a background thread.
        var boundWhenReady = ProcessSockets.Bound(server.Id);
        Assert.True(await server.WaitForOutputAsync("Listening on tcp", TimeSpan.FromSeconds(10)), server.Output);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "starting: zones not loaded yet"), (first.Code, first.Body.Trim()));
        Assert.Contains($"udp:{server.BoundPort("Listening on udp")}", boundWhenReady);
        Assert.Contains($"tcp:{server.BoundPort("Listening on tcp")}", boundWhenReady);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(port, "/healthz")).Code);
    }

    [Fact]
    public async Task ReadyzIsUnavailableWhileTheServerDrains()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var silent = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{((IPEndPoint)silent.Client.LocalEndPoint!).Port}"]);
        Assert.True(await ReadyAsync(server.HttpPort), server.Output);

        // A forward in flight to a silent upstream holds the drain open for up to the 4 s forward deadline.
        var forwarding = DnsWire.ExchangeUdpAsync(server.Port, DnsWire.BuildQuery("drain.example.org", 1, recursionDesired: true), TimeSpan.FromSeconds(10));
        await silent.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));

        server.Process.Signal(Signals.SIGTERM);
        Assert.True(await server.Process.WaitForOutputAsync("Stopping:", TimeSpan.FromSeconds(10)), server.Output);
        var draining = await GetAsync(server.HttpPort, "/readyz");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "stopping"), (draining.Code, draining.Body.Trim()));
        await forwarding;
    }

    [Fact]
    public async Task ReadyzAcceptsAProxyHeaderOnlyFromALoadBalancer()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var trusting = await DnsServerProcess.StartAsync(zones.Path, null, ["--proxy-protocol-from", "127.0.0.0/8"]);
        using var plain = await DnsServerProcess.StartAsync(zones.Path);
        Assert.True(await ReadyAsync(trusting.HttpPort), trusting.Output);

        var v2 = await RawHttp.SendAsync(trusting.HttpPort, RawHttp.ProxyV2Local(), "/readyz");
        var v1 = await RawHttp.SendAsync(trusting.HttpPort, RawHttp.ProxyV1("10.9.8.7"), "/readyz");
        var none = await RawHttp.SendAsync(trusting.HttpPort, [], "/readyz");
        var untrusted = await RawHttp.SendAsync(plain.HttpPort, RawHttp.ProxyV2Local(), "/readyz");

        Assert.Equal([200, 200, 200], new[] { v2, v1, none }.Select(RawHttp.StatusOf));
        Assert.EndsWith("ready\n", v2, StringComparison.Ordinal);
        Assert.Equal(400, RawHttp.StatusOf(untrusted));
    }

    [Fact]
    public async Task APrometheusServerScrapesTheMetrics()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path);
        using var prometheus = await PrometheusProcess.StartAsync(new Dictionary<string, int> { ["dns"] = server.HttpPort });
        for (var i = 0; i < 20; i++)
        {
            await DnsWire.ExchangeUdpAsync(server.Port, DnsWire.BuildQuery(i % 2 == 0 ? "www.example.test" : $"missing{i}.example.test", 1));
        }

        var up = await prometheus.WaitForAsync("up{job=\"dns\"} == 1");
        var queries = await prometheus.WaitForAsync("sum by (rcode) (dns_queries_total{job=\"dns\"}) >= 10");
        var serial = await prometheus.WaitForAsync("dns_zone_serial{job=\"dns\",zone=\"example.test.\"}");

        Assert.Single(up);
        Assert.Equal(["NOERROR", "NXDOMAIN"], queries.Select(q => q.GetProperty("metric").GetProperty("rcode").GetString()).Order());
        Assert.Single(serial);
    }

    /// <summary>Ready once zones are in service and the server has answered its own UDP query (every 2 s, the first at once).</summary>
    private async Task<bool> ReadyAsync(int port) =>
        (await Eventually.PollAsync(() => GetAsync(port, "/readyz"), r => r.Code == HttpStatusCode.OK, TimeSpan.FromSeconds(10))).Done;

    private async Task<(HttpStatusCode Code, string Body)> GetAsync(int port, string path)
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
