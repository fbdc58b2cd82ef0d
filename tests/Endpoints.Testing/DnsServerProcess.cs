namespace Endpoints.Testing;

/// <summary>The real DNS override server, started as its own process on a loopback port it picks (port 0) and reports.</summary>
public sealed class DnsServerProcess : IDisposable
{
    private readonly ExternalProcess _process;

    private DnsServerProcess(ExternalProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The HTTP listener's port (/healthz, /readyz, /metrics).</summary>
    public int HttpPort => _process.BoundPort("Listening on http");

    public ExternalProcess Process => _process;

    public string Output => _process.Output;

    public static string ServerDll => BuiltProgram.Path("DnsOverride", "Endpoints.DnsOverride");

    public static async Task<DnsServerProcess> StartAsync(
        string zones, IEnumerable<string>? upstreams = null, IEnumerable<string>? extra = null, IDictionary<string, string>? settings = null, string listen = "127.0.0.1:0")
    {
        var arguments = new List<string> { ServerDll, "--listen", listen, "--zones", zones, "--log-level", "Debug" };
        foreach (var upstream in upstreams ?? ["127.0.0.1:9"])
        {
            arguments.AddRange(["--upstream", upstream]);
        }

        arguments.AddRange(extra ?? []);
        if (!arguments.Contains("--http"))
        {
            arguments.AddRange(["--http", "127.0.0.1:0"]);
        }

        var process = await ExternalProcess.StartAsync("dotnet", arguments, "Listening on tcp", new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["DOTNET_gcServer"] = "0" });
        return new DnsServerProcess(process, process.BoundPort("Listening on tcp"));
    }

    public void Dispose() => _process.Dispose();
}
