namespace Endpoints.Testing;

/// <summary>
/// Knot Resolver 5.6 as a corporate resolver: <c>policy.FORWARD</c> of our zones to our server and, as our docs
/// say, <c>trust_anchors.set_insecure</c> for them, without which every answer is SERVFAIL.
/// </summary>
public static class KnotResolverProcess
{
    public static Task<ConfiguredProcess> StartForwarderAsync(IReadOnlyCollection<string> zones, int targetPort, bool insecure = true)
    {
        var names = string.Join(", ", zones.Select(z => $"'{z}'"));
        return ConfiguredProcess.StartAsync(
            "kresd",
            "kresd.conf",
            (directory, port) => $$"""
                net.listen('127.0.0.1', {{port}}, { kind = 'dns' })
                {{(insecure ? $"trust_anchors.set_insecure({{ {names} }})" : string.Empty)}}
                policy.add(policy.suffix(policy.FORWARD({ '127.0.0.1@{{targetPort}}' }), policy.todnames({ {{names}} })))
                io.stderr:write('kresd configured\n')

                """,
            file => ["-n", "-c", file, Path.GetDirectoryName(file)!],
            "kresd configured");
    }
}
