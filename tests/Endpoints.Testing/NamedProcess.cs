namespace Endpoints.Testing;

/// <summary>BIND's named on a loopback port, as the reference authoritative server or as a corporate resolver.</summary>
public sealed class NamedProcess : IDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private NamedProcess(ExternalProcess process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Output;

    /// <summary>Serves each zone file authoritatively, with minimal responses and no recursion.</summary>
    public static Task<NamedProcess> StartAuthoritativeAsync(IEnumerable<(string Origin, string File)> zones, string extraOptions = "")
    {
        var zoneStatements = string.Concat(zones.Select(z => $"zone \"{z.Origin}\" {{ type primary; file \"{z.File}\"; }};\n"));
        return StartAsync("recursion no; " + extraOptions, zoneStatements);
    }

    /// <summary>A corporate resolver: recursion on, and the given zones forwarded to our server only.</summary>
    public static Task<NamedProcess> StartForwarderAsync(IEnumerable<string> forwardedZones, int targetPort, string? defaultForwarder = null)
    {
        var zoneStatements = string.Concat(forwardedZones.Select(z =>
            $"zone \"{z}\" {{ type forward; forward only; forwarders {{ 127.0.0.1 port {targetPort}; }}; }};\n"));
        var options = "recursion yes; allow-recursion { 127.0.0.1; }; dnssec-validation no; qname-minimization off;" +
            (defaultForwarder is null ? string.Empty : $" forward only; forwarders {{ {defaultForwarder}; }};");
        return StartAsync(options, zoneStatements);
    }

    private static async Task<NamedProcess> StartAsync(string options, string zones)
    {
        var directory = new TempDirectory();
        var port = FreePort.Get();
        var config = $$"""
            options {
                directory "{{directory.Path}}";
                pid-file "{{directory.File("named.pid")}}";
                listen-on port {{port}} { 127.0.0.1; };
                listen-on-v6 { none; };
                minimal-responses yes;
                notify no;
                {{options}}
            };
            controls { };
            {{zones}}
            """;
        var configFile = directory.Write("named.conf", config);
        try
        {
            return new NamedProcess(await ExternalProcess.StartAsync("named", ["-g", "-n", "1", "-c", configFile], "running"), directory, port);
        }
        catch (InvalidOperationException)
        {
            directory.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _directory.Dispose();
    }
}
