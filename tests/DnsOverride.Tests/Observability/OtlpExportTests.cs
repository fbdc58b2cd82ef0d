using System.Net;
using System.Text;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Observability;

/// <summary>--metrics otlp: the OpenTelemetry protocol exporter, configured by the standard OTEL_EXPORTER_OTLP_* variables, posts to a collector.</summary>
[Trait("Category", "Integration")]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task MetricsArePostedToTheCollectorTheEnvironmentNames()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        var (collector, port) = StartCollector();
        using var listening = collector;
        var received = ReceiveMetricsAsync(collector);
        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--metrics", "otlp"], settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await DnsWire.ExchangeUdpAsync(server.Port, DnsWire.BuildQuery("www.example.test", 1));

        var (path, contentType, body) = await received.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("/v1/metrics", path);
        Assert.Equal("application/x-protobuf", contentType);
        Assert.Contains("dns.queries", body, StringComparison.Ordinal);
        Assert.Contains("endpoints-dns", body, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/metrics"))).StatusCode);
    }

    /// <summary>HttpListener cannot bind port 0: a free port, and another if something took it meanwhile.</summary>
    private static (HttpListener Listener, int Port) StartCollector()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Get();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>The first export that carries the query counter (earlier ones may hold only the start-up gauges).</summary>
    private static async Task<(string Path, string? ContentType, string Body)> ReceiveMetricsAsync(HttpListener collector)
    {
        while (true)
        {
            var context = await collector.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream, Encoding.Latin1);
            var body = await reader.ReadToEndAsync();
            var result = (context.Request.Url!.AbsolutePath, context.Request.ContentType, body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (body.Contains("dns.queries", StringComparison.Ordinal))
            {
                return result;
            }
        }
    }
}
