namespace Endpoints.Testing;

/// <summary>Unbound as a corporate resolver: a forward-zone per forwarded zone, pointing at our server.</summary>
public sealed class UnboundProcess : IDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private UnboundProcess(ExternalProcess process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<UnboundProcess> StartForwarderAsync(IEnumerable<string> forwardedZones, int targetPort)
    {
        var directory = new TempDirectory();
        var port = FreePort.Get();
        var forwards = string.Concat(forwardedZones.Select(z => $"forward-zone:\n  name: \"{z}\"\n  forward-addr: 127.0.0.1@{targetPort}\n"));
        var config = $"""
            server:
              interface: 127.0.0.1@{port}
              do-ip6: no
              access-control: 127.0.0.0/8 allow
              do-not-query-localhost: no
              module-config: "iterator"
              username: ""
              chroot: ""
              directory: "{directory.Path}"
              pidfile: ""
              use-syslog: no
              logfile: ""
              verbosity: 1
            {forwards}
            """;
        var file = directory.Write("unbound.conf", config);
        try
        {
            return new UnboundProcess(await ExternalProcess.StartAsync("unbound", ["-d", "-c", file], "start of service"), directory, port);
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
