using System.Text.Json;
using System.Text.RegularExpressions;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;
using YamlDotNet.RepresentationModel;

namespace Endpoints.Proxy.Tests.Observability;

/// <summary>
/// deploy/monitoring proven against a real Prometheus scraping a DNS server and a proxy every second on loopback,
/// after a short workload through both: every metric family docs/operations.md names has series, every alert expression and
/// every dashboard query evaluates, and the dashboard's main panels have data.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class MonitoringTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private static readonly string Monitoring = Path.Combine(AppContext.BaseDirectory, "monitoring");

    [Fact]
    public async Task PrometheusScrapesBothTiersAndEveryAlertAndPanelEvaluates()
    {
        // A DNS server of its own, forwarding to BIND for names outside its zones, and to a closed port in turn.
        using var directory = new TempDirectory();
        var upstreamZone = directory.Write("example.org.zone", "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\nwww A 192.0.2.80\n");
        using var upstream = await NamedProcess.StartAuthoritativeAsync([("example.org", upstreamZone)]);
        var zones = Directory.CreateDirectory(directory.File("zones")).FullName;
        File.WriteAllText(Path.Combine(zones, "s3.amazonaws.com.zone"), "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.0.0.1\n@ A 10.0.0.2\n* A 10.0.0.2\nlb A 127.0.0.1\n");

        // A health check of a loopback address with nothing on its port (it goes down), and NOTIFY to BIND (which answers it).
        File.WriteAllText(Path.Combine(zones, "health.json"), $$"""{"checks": [{"zone": "s3.amazonaws.com", "names": ["lb"], "tcp": {{FreePort.Get()}}, "interval": "1s", "timeout": "500ms", "fall": 1, "rise": 1}]}""");
        using var dns = await DnsServerProcess.StartAsync(zones, [$"127.0.0.1:{upstream.Port}", "127.0.0.1:9"], ["--notify", $"127.0.0.1:{upstream.Port}"]);
        using var prometheus = await PrometheusProcess.StartAsync(
            new Dictionary<string, int> { ["dns"] = dns.HttpPort, ["proxy"] = fixture.Proxy.HealthPort }, Path.Combine(Monitoring, "alerts.yml"));

        // Events whose counters have no series until they happen: a forward, a runt, a broken zone file, a connection
        // the proxy cannot complete, credentials it does not take, a health check going down, a NOTIFY answered.
        for (var i = 0; i < 4; i++)
        {
            await DnsWire.ExchangeUdpAsync(dns.Port, DnsWire.BuildQuery($"n{i}.example.org", 1, recursionDesired: true));
        }

        using (var runt = new System.Net.Sockets.UdpClient())
        {
            await runt.SendAsync(new byte[3], new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, dns.Port));
        }

        File.WriteAllText(Path.Combine(zones, "broken.amazonaws.com.zone"), "this is not a zone\n");
        await Curl.RunAsync("-s", "-o", "/dev/null", "-x", $"http://127.0.0.1:{fixture.Proxy.ConnectPort}", $"https://bucket.s3.amazonaws.com:{fixture.ClosedPort}/");
        await Curl.RunAsync("-s", "-o", "/dev/null", "-U", "someone:secret", "-x", $"http://127.0.0.1:{fixture.Proxy.ConnectPort}", $"https://bucket.s3.amazonaws.com:{fixture.Origin.TlsPort}/");
        for (var i = 0; i < 10; i++)
        {
            await DnsWire.ExchangeUdpAsync(dns.Port, DnsWire.BuildQuery(i % 2 == 0 ? "www.s3.amazonaws.com" : "s3.amazonaws.com", 1));
            var ca = fixture.Certificates.CaFile;
            await Curl.RunAsync("-s", "-o", "/dev/null", "--cacert", ca, "-x", $"http://127.0.0.1:{fixture.Proxy.ConnectPort}", $"https://bucket{i}.s3.amazonaws.com:{fixture.Origin.TlsPort}/");
            await Curl.RunAsync("-s", "-o", "/dev/null", "-x", $"http://127.0.0.1:{fixture.Proxy.ConnectPort}", $"https://admin.s3.amazonaws.com:{fixture.Origin.TlsPort}/");
        }

        Assert.Single(await prometheus.WaitForAsync("count(up == 1) == 2"));

        // Every family docs/operations.md lists, with series once a scrape has seen the workload.
        var families = MetricFamily().Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "operations.md"))).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(families.Count >= 15, $"docs/operations.md names {families.Count} metric families");
        var missing = new List<string>();
        foreach (var family in families)
        {
            if ((await prometheus.WaitForAsync($"count({{__name__=~\"{family}(_total|_bucket)?\"}})")).Length == 0)
            {
                missing.Add(family);
            }
        }

        Assert.True(missing.Count == 0, "no series for " + string.Join(", ", missing));

        // Every alert expression, as Prometheus evaluates it, and the rules loaded.
        var alerts = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Monitoring, "alerts.yml")))
        {
            alerts.Load(reader);
        }

        var rules = ((YamlSequenceNode)((YamlMappingNode)alerts.Documents[0].RootNode)["groups"]).Children
            .SelectMany(g => ((YamlSequenceNode)((YamlMappingNode)g)["rules"]).Children.Cast<YamlMappingNode>())
            .Select(r => (Name: r["alert"].ToString(), Expr: r["expr"].ToString()))
            .ToList();
        Assert.Equal(10, rules.Count);
        foreach (var (name, expr) in rules)
        {
            Assert.Null((await prometheus.QueryAsync(expr)).Error);
            Assert.True((await prometheus.QueryAsync($"count(ALERTS{{alertname=\"{name}\"}}) or vector(0)")).Error is null, name);
        }

        // Every dashboard query evaluates; the main panels have data.
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Monitoring, "dashboard.json")));
        string[] main = ["DNS queries per second by rcode", "DNS queries per second by decision", "Upstream state (1 = in rotation)", "Zone serials per instance", "Proxy tunnels", "Proxy connections per second by decision"];
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            var title = panel.GetProperty("title").GetString()!;
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!.Replace("$dns_job", "dns", StringComparison.Ordinal).Replace("$proxy_job", "proxy", StringComparison.Ordinal);
                var (result, error) = await prometheus.QueryAsync(expr);
                Assert.True(error is null, $"{title}: {expr}: {error}");
                if (main.Contains(title) && target.GetProperty("refId").GetString() == "A")
                {
                    Assert.True((await prometheus.WaitForAsync(expr)).Length > 0, $"{title}: no data for {expr}");
                }
            }
        }
    }

    [Fact]
    public async Task TheRulesAndTheScrapeConfigPassPromtoolAndEveryAlertHasAUnitTest()
    {
        var check = await Tools.RunAsync("promtool", "check", "rules", Path.Combine(Monitoring, "alerts.yml"));
        var unit = await Tools.RunInAsync(Monitoring, "promtool", ["test", "rules", "alerts.test.yml"]);
        var config = await Tools.RunInAsync(Monitoring, "promtool", ["check", "config", "prometheus.yml"]);

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 10 rules found", check.Output, StringComparison.Ordinal);
        Assert.True(unit.ExitCode == 0, unit.Output);
        Assert.True(config.ExitCode == 0, config.Output);
        var tested = AlertName().Matches(File.ReadAllText(Path.Combine(Monitoring, "alerts.test.yml"))).Select(m => m.Groups[1].Value).ToHashSet();
        var defined = AlertRule().Matches(File.ReadAllText(Path.Combine(Monitoring, "alerts.yml"))).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(defined.Order(), tested.Order());
    }

    [GeneratedRegex(@"alertname: (\w+)")]
    private static partial Regex AlertName();

    [GeneratedRegex(@"- alert: (\w+)")]
    private static partial Regex AlertRule();

    /// <summary>Metric families in docs/operations.md's metrics table, written as `name` in Prometheus form.</summary>
    [GeneratedRegex(@"`((?:dns|proxy|endpoints|process)_[a-z_]+)`")]
    private static partial Regex MetricFamily();
}
