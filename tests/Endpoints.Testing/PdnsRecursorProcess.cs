namespace Endpoints.Testing;

/// <summary>
/// PowerDNS Recursor 4.8 as a corporate resolver: <c>forward-zones</c> to our server, and, as our docs say, a
/// negative trust anchor per zone (<c>addNTA</c>) so that it does not try to validate our unsigned answers.
/// </summary>
public static class PdnsRecursorProcess
{
    public static Task<ConfiguredProcess> StartForwarderAsync(IReadOnlyCollection<string> zones, int targetPort, bool negativeTrustAnchors = true) =>
        ConfiguredProcess.StartAsync(
            "pdns_recursor",
            "recursor.conf",
            (directory, port) =>
            {
                directory.Write("nta.lua", negativeTrustAnchors ? string.Concat(zones.Select(z => $"addNTA('{z}', 'served by the DNS override, unsigned')\n")) : string.Empty);
                return $"""
                    local-address=127.0.0.1
                    local-port={port}
                    forward-zones={string.Join(",", zones.Select(z => $"{z}=127.0.0.1:{targetPort}"))}
                    lua-config-file={directory.File("nta.lua")}
                    socket-dir={directory.Path}
                    daemon=no
                    write-pid=no
                    allow-from=127.0.0.0/8
                    security-poll-suffix=
                    loglevel=6

                    """;
            },
            file => [$"--config-dir={Path.GetDirectoryName(file)}"],
            "Launching worker threads");
}
