namespace Endpoints.Testing;

/// <summary>The real DNS override server, started as its own process on a free loopback port.</summary>
public sealed class DnsServerProcess : IDisposable
{
    private readonly ExternalProcess _process;

    private DnsServerProcess(ExternalProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public ExternalProcess Process => _process;

    public string Output => _process.Output;

    public static string ServerDll => BuiltProgram.Path("DnsOverride", "Endpoints.DnsOverride");

    public static async Task<DnsServerProcess> StartAsync(string zones, IEnumerable<string>? upstreams = null, IEnumerable<string>? extra = null)
    {
        var port = FreePort.Get();
        var arguments = new List<string> { ServerDll, "--listen", $"127.0.0.1:{port}", "--zones", zones, "--log-level", "Debug" };
        foreach (var upstream in upstreams ?? ["127.0.0.1:9"])
        {
            arguments.AddRange(["--upstream", upstream]);
        }

        arguments.AddRange(extra ?? []);
        var process = new ExternalProcess("dotnet", arguments, environment: new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" });
        if (!await process.WaitForOutputAsync("Listening on tcp", TimeSpan.FromSeconds(30)))
        {
            var output = process.Output;
            process.Dispose();
            throw new InvalidOperationException($"DNS server did not start:\n{output}");
        }

        return new DnsServerProcess(process, port);
    }

    public void Dispose() => _process.Dispose();
}
