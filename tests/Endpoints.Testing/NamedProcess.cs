namespace Endpoints.Testing;

/// <summary>BIND's named on a loopback port, as the reference authoritative server or as a corporate resolver.</summary>
public static class NamedProcess
{
    /// <summary>Serves each zone file authoritatively, with minimal responses and no recursion.</summary>
    public static Task<ConfiguredProcess> StartAuthoritativeAsync(IEnumerable<(string Origin, string File)> zones, string extraOptions = "")
    {
        var zoneStatements = string.Concat(zones.Select(z => $"zone \"{z.Origin}\" {{ type primary; file \"{z.File}\"; }};\n"));
        return StartAsync("recursion no; " + extraOptions, zoneStatements);
    }

    /// <summary>An upstream resolver that also holds zones: answers from them, CNAME chains across them completed, recursion on.</summary>
    public static Task<ConfiguredProcess> StartRecursiveAuthoritativeAsync(IEnumerable<(string Origin, string File)> zones)
    {
        var zoneStatements = string.Concat(zones.Select(z => $"zone \"{z.Origin}\" {{ type primary; file \"{z.File}\"; }};\n"));
        return StartAsync("recursion yes; allow-recursion { 127.0.0.1; }; dnssec-validation no; qname-minimization off;", zoneStatements);
    }

    /// <summary>What we are modelled on when we forward: the zones served, and recursion for everything else forwarded only to one upstream.</summary>
    public static Task<ConfiguredProcess> StartAuthoritativeForwarderAsync(IEnumerable<(string Origin, string File)> zones, int upstreamPort)
    {
        var zoneStatements = string.Concat(zones.Select(z => $"zone \"{z.Origin}\" {{ type primary; file \"{z.File}\"; }};\n"));
        return StartAsync(
            $"recursion yes; allow-recursion {{ 127.0.0.1; }}; forward only; forwarders {{ 127.0.0.1 port {upstreamPort}; }}; dnssec-validation no; qname-minimization off;",
            zoneStatements);
    }

    /// <summary>A corporate resolver: recursion on, and the given zones forwarded to our server only.</summary>
    public static Task<ConfiguredProcess> StartForwarderAsync(IEnumerable<string> forwardedZones, int targetPort)
    {
        var zoneStatements = string.Concat(forwardedZones.Select(z =>
            $"zone \"{z}\" {{ type forward; forward only; forwarders {{ 127.0.0.1 port {targetPort}; }}; }};\n"));
        return StartAsync("recursion yes; allow-recursion { 127.0.0.1; }; dnssec-validation no; qname-minimization off;", zoneStatements);
    }

    /// <summary>
    /// A corporate secondary: each zone loaded by transfer from our server on <paramref name="primaryPort"/>,
    /// signed with the TSIG key in <paramref name="keyFile"/> (BIND syntax, key named <paramref name="keyName"/>).
    /// </summary>
    /// <remarks><paramref name="forwards"/>: names inside those zones forwarded to a resolver (a transparent zone's kept
    /// names, which a secondary cannot forward on its own); with any, the secondary also resolves for 127.0.0.1.</remarks>
    public static Task<ConfiguredProcess> StartSecondaryAsync(
        IEnumerable<string> zones, int primaryPort, string keyFile, string keyName, IReadOnlyCollection<(string Name, int Port)>? forwards = null)
    {
        var zoneStatements = $"include \"{keyFile}\";\n" + string.Concat(zones.Select(z =>
            $"zone \"{z}\" {{ type secondary; primaries {{ 127.0.0.1 port {primaryPort} key \"{keyName}\"; }}; file \"{z}.db\"; }};\n")) +
            string.Concat((forwards ?? []).Select(f => $"zone \"{f.Name}\" {{ type forward; forward only; forwarders {{ 127.0.0.1 port {f.Port}; }}; }};\n"));
        var recursion = forwards is { Count: > 0 } ? "recursion yes; allow-recursion { 127.0.0.1; }; dnssec-validation no; qname-minimization off;" : "recursion no;";
        return StartAsync(recursion + " transfer-source 127.0.0.1; notify-source 127.0.0.1;", zoneStatements);
    }

    /// <summary>
    /// named logs "running" before every listening socket takes queries; a query the moment it returns can meet a
    /// closed port (ICMP unreachable). So it is ready once it answers a query of its own over UDP, whatever the rcode.
    /// </summary>
    private static async Task<ConfiguredProcess> StartAsync(string options, string zones)
    {
        var named = await StartProcessAsync(options, zones);
        var query = DnsWire.BuildQuery("version.bind", 16, ednsPayload: null);
        query[^1] = 3; // class CH: answered (or refused) by every named, whatever zones it holds
        if (!(await Eventually.PollAsync(() => AnswerAsync(named.Port, query), r => r is not null, TimeSpan.FromSeconds(10))).Done)
        {
            named.Dispose();
            throw new InvalidOperationException("named did not answer on its port:\n" + named.Output);
        }

        return named;
    }

    private static async Task<byte[]?> AnswerAsync(int port, byte[] query)
    {
        try
        {
            return await DnsWire.ExchangeUdpAsync(port, query, TimeSpan.FromMilliseconds(200));
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null; // not listening yet: the kernel's port unreachable
        }
    }

    private static Task<ConfiguredProcess> StartProcessAsync(string options, string zones) => ConfiguredProcess.StartAsync(
        "named",
        "named.conf",
        (directory, port) => $$"""
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
            """,
        file => ["-g", "-n", "1", "-c", file],
        "running");
}
