namespace Endpoints.Testing;

/// <summary>
/// dnsmasq 2.90 as a corporate resolver with rebind protection on (as many ship it): <c>server=/zone/</c> to our
/// server and, as our docs say, <c>rebind-domain-ok</c> for our zones, without which it drops our private answers.
/// </summary>
public static class DnsmasqProcess
{
    public static Task<ConfiguredProcess> StartForwarderAsync(IReadOnlyCollection<string> zones, int targetPort, bool rebindOk = true) =>
        ConfiguredProcess.StartAsync(
            "dnsmasq",
            "dnsmasq.conf",
            (directory, port) => $"""
                port={port}
                listen-address=127.0.0.1
                bind-interfaces
                no-resolv
                no-hosts
                keep-in-foreground
                log-facility=-
                pid-file=
                stop-dns-rebind
                {string.Concat(zones.Select(z => $"server=/{z}/127.0.0.1#{targetPort}\n"))}
                {(rebindOk ? string.Concat(zones.Select(z => $"rebind-domain-ok=/{z}/\n")) : string.Empty)}
                """,
            file => [$"--conf-file={file}"],
            "started, version");
}
