using System.Net.Http.Json;
using System.Text.Json;

namespace Endpoints.Testing;

/// <summary>Debian's Prometheus server on a loopback port, scraping the given targets every second, and its HTTP API.</summary>
public sealed class PrometheusProcess : IDisposable
{
    private readonly ConfiguredProcess _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusProcess(ConfiguredProcess process) => _process = process;

    public int Port => _process.Port;

    public string Output => _process.Output;

    /// <summary>Starts Prometheus with one job per entry of <paramref name="jobs"/> (name, loopback port of /metrics).</summary>
    public static async Task<PrometheusProcess> StartAsync(IReadOnlyDictionary<string, int> jobs, string? ruleFile = null)
    {
        var port = 0;
        var storage = string.Empty;
        var process = await ConfiguredProcess.StartAsync(
            "prometheus",
            "prometheus.yml",
            (directory, free) =>
            {
                port = free;
                storage = directory.File("data");
                var scrape = string.Concat(jobs.Select(j => $"""
                      - job_name: {j.Key}
                        static_configs:
                          - targets: ["127.0.0.1:{j.Value}"]

                    """));
                var rules = ruleFile is null ? string.Empty : $"rule_files: [\"{ruleFile}\"]\n";
                return $"""
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    {rules}scrape_configs:
                    {scrape}
                    """;
            },
            file => ["--config.file", file, "--web.listen-address", $"127.0.0.1:{port}", "--storage.tsdb.path", storage, "--log.level", "info"],
            "Server is ready to receive web requests.");
        return new PrometheusProcess(process);
    }

    /// <summary>An instant query; the result vector's elements (empty when it matched nothing), or an error from the API.</summary>
    public async Task<(JsonElement[] Result, string? Error)> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("status").GetString() != "success")
        {
            return ([], body.GetProperty("error").GetString());
        }

        var data = body.GetProperty("data");
        return data.GetProperty("resultType").GetString() is "vector" or "matrix"
            ? ([.. data.GetProperty("result").EnumerateArray()], null)
            : ([data.GetProperty("result")], null);
    }

    /// <summary>Polls a query until it returns at least one element (30 s at most).</summary>
    public async Task<JsonElement[]> WaitForAsync(string promql)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (result, error) = await QueryAsync(promql);
            if (error is not null)
            {
                throw new InvalidOperationException($"{promql}: {error}");
            }

            if (result.Length > 0 || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _process.Dispose();
    }
}
