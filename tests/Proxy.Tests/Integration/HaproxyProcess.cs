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

    /// <summary>
    /// Starts HAProxy and waits until every frontend listens (read from /proc: a probe connection would reach the
    /// proxy and write a log line of its own). A frontend port taken meanwhile by someone else: pick new ones.
    /// </summary>
    public static async Task<HaproxyProcess> StartAsync(int backendPort, params string[] clientAddresses)
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TempDirectory();
            var ports = clientAddresses.ToDictionary(a => a, _ => FreePort.Get());
            var process = new ExternalProcess("haproxy", ["-db", "-f", directory.Write("haproxy.cfg", Config(backendPort, ports))]);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!process.HasExited && !ports.Values.All(FreePort.IsListening) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            if (!process.HasExited && ports.Values.All(FreePort.IsListening))
            {
                return new HaproxyProcess(process, directory, ports);
            }

            process.WaitForExit(TimeSpan.FromSeconds(5));
            var output = process.Output;
            process.Dispose();
            directory.Dispose();
            if (attempt >= 5 || !FreePort.IsAddressInUse(output))
            {
                throw new InvalidOperationException($"haproxy did not start:\n{output}");
            }
        }
    }

    private static string Config(int backendPort, Dictionary<string, int> ports)
    {
        var frontends = string.Concat(ports.Select((p, i) => $"""

            frontend as_{i}
                bind 127.0.0.1:{p.Value}
                tcp-request connection set-src ipv4({p.Key})
                default_backend proxies

            """));
        return $"""
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
    }

    public void Dispose()
    {
        _process.Dispose();
        _directory.Dispose();
    }
}
