namespace Endpoints.Testing;

/// <summary>Unbound as a corporate resolver: a forward-zone per forwarded zone, pointing at our server.</summary>
public static class UnboundProcess
{
    public static Task<ConfiguredProcess> StartForwarderAsync(IEnumerable<string> forwardedZones, int targetPort)
    {
        var forwards = string.Concat(forwardedZones.Select(z => $"forward-zone:\n  name: \"{z}\"\n  forward-addr: 127.0.0.1@{targetPort}\n"));
        return ConfiguredProcess.StartAsync(
            "unbound",
            "unbound.conf",
            (directory, port) => $"""
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
                """,
            file => ["-d", "-c", file],
            "start of service");
    }
}
