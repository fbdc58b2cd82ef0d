using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>HAProxy in TCP mode in front of the proxy, sending PROXY v2 and presenting chosen client addresses.</summary>
public sealed class HaproxyProcess : IDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private HaproxyProcess(ExternalProcess process, TempDirectory directory, IReadOnlyDictionary<string, int> ports)
    {
        _process = process;
        _directory = directory;
        Ports = ports;
    }

    /// <summary>Frontend port for each presented client address.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public static async Task<HaproxyProcess> StartAsync(int backendPort, params string[] clientAddresses)
    {
        var directory = new TempDirectory();
        var ports = clientAddresses.ToDictionary(a => a, _ => FreePort.Get());
        var frontends = string.Concat(ports.Select((p, i) => $"""

            frontend as_{i}
                bind 127.0.0.1:{p.Value}
                tcp-request connection set-src ipv4({p.Key})
                default_backend proxies

            """));
        var config = $"""
            global
                maxconn 1000
            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s
            {frontends}
            backend proxies
                server proxy1 127.0.0.1:{backendPort} send-proxy-v2
            """;
        var file = directory.Write("haproxy.cfg", config + "\n");
        var process = new ExternalProcess("haproxy", ["-db", "-f", file]);
        await Task.Delay(500);
        if (process.HasExited)
        {
            var output = process.Output;
            process.Dispose();
            directory.Dispose();
            throw new InvalidOperationException($"haproxy did not start:\n{output}");
        }

        return new HaproxyProcess(process, directory, ports);
    }

    public void Dispose()
    {
        _process.Dispose();
        _directory.Dispose();
    }
}
