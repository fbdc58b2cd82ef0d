using System.Globalization;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>The real proxy, started as its own process with every listener on a loopback port it picks (port 0) and reports.</summary>
public sealed class ProxyProcess : IDisposable
{
    private ProxyProcess(ExternalProcess process, int connect, int tls, int http, int health)
    {
        Process = process;
        ConnectPort = connect;
        TlsPort = tls;
        HttpPort = http;
        HealthPort = health;
    }

    public ExternalProcess Process { get; }

    public int ConnectPort { get; }

    public int TlsPort { get; }

    public int HttpPort { get; }

    public int HealthPort { get; }

    public string Output => Process.Output;

    public static string Dll => BuiltProgram.Path("Proxy", "Endpoints.Proxy");

    public static async Task<ProxyProcess> StartAsync(string policy, int resolverPort, OriginServer origin, IEnumerable<string>? extra = null, IDictionary<string, string>? settings = null)
    {
        var arguments = new List<string>
        {
            Dll, "--connect", "127.0.0.1:0", "--tls", "127.0.0.1:0", "--http", "127.0.0.1:0", "--health", "127.0.0.1:0",
            "--policy", policy, "--resolver", $"127.0.0.1:{resolverPort}", "--allow-range", "127.0.0.1/32",
        };
        arguments.AddRange(extra ?? []);
        var environment = new Dictionary<string, string>
        {
            ["Proxy__TlsUpstreamPort"] = origin.TlsPort.ToString(CultureInfo.InvariantCulture),
            ["Proxy__HttpUpstreamPort"] = origin.HttpPort.ToString(CultureInfo.InvariantCulture),
            ["Proxy__HandshakeTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = await ExternalProcess.StartAsync("dotnet", arguments, "Listening for http", environment);
        return new ProxyProcess(process, process.BoundPort("Listening for connect on"), process.BoundPort("Listening for tls on"),
            process.BoundPort("Listening for http on"), process.BoundPort("Listening for health on"));
    }

    public void Dispose() => Process.Dispose();
}
