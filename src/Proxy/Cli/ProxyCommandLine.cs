using Endpoints.Common.Cli;
using Endpoints.Common.Hosting;

namespace Endpoints.Proxy.Cli;

/// <summary>The proxy's commands and flags (the command line), each flag a key of the configuration.</summary>
internal static class ProxyCommandLine
{
    public const string Usage = """
        usage: Endpoints.Proxy [--config FILE] [--connect ADDR:PORT] [--tls ADDR:PORT] [--http ADDR:PORT] [--health ADDR:PORT]
                               [--connect-tls ADDR:PORT --connect-tls-cert FILE --connect-tls-key FILE] [--allow-basic-over-plaintext]
                               [--policy FILE] [--keytab FILE [--spn HTTP/HOST]] [--users FILE] [--resolver ADDR[:PORT]]... [--allow-range CIDR]...
                               [--proxy-protocol-from CIDR]... [--metrics prometheus,otlp,console|none] [--log-level LEVEL] [--log-format simple|json]
               Endpoints.Proxy check [POLICY-FILE] [--connect/--tls/--http ADDR:PORT] [--keytab FILE [--spn HTTP/HOST]] [--users FILE]
               Endpoints.Proxy check --explain SOURCE [USER] NAME PORT [--mode connect|tls|http] [--policy FILE]
                                     (which rule decides and why each earlier one did not; exit 0 allowed, 1 denied)
               Endpoints.Proxy hash-password NAME      (password on stdin; prints the NAME:HASH line for --users)
               Endpoints.Proxy doctor NAME[:PORT] --dns SERVER[:PORT] [--via PROXY[:PORT]] [--resolver SERVER[:PORT]] [--format text|json]
                                     (where a client's path to NAME breaks: its resolver, our DNS, the proxy, the service, TLS)
        """;

    public static readonly Flag[] Flags =
    [
        new("--connect", "Proxy:Connect"),
        new("--connect-tls", "Proxy:ConnectTls"),
        new("--connect-tls-cert", "Proxy:ConnectTlsCertificate"),
        new("--connect-tls-key", "Proxy:ConnectTlsKey"),
        new("--allow-basic-over-plaintext", "Proxy:AllowBasicOverPlaintext", Switch: true),
        new("--tls", "Proxy:Tls"),
        new("--http", "Proxy:Http"),
        new("--health", "Proxy:Health"),
        new("--policy", "Proxy:Policy"),
        new("--keytab", "Proxy:Keytab"),
        new("--spn", "Proxy:Spn"),
        new("--users", "Proxy:Users"),
        new("--metrics", "Proxy:Metrics"),
        new("--resolver", "Proxy:Resolver", Repeatable: true),
        new("--allow-range", "Proxy:AllowRange", Repeatable: true),
        new("--proxy-protocol-from", "Proxy:ProxyProtocolFrom", Repeatable: true),
        new("--log-level", "Logging:LogLevel:Default"),
        new("--log-format", "Logging:Format"),
        new("--config", ServiceHost.ConfigKey, Commands: ["serve"]),
        new("--explain", "Check:Explain", Commands: ["check"]),
        new("--mode", "Check:Mode", Commands: ["check"]),
        new("--dns", "Doctor:Dns", Commands: ["doctor"]),
        new("--via", "Doctor:Via", Commands: ["doctor"]),
        new("--format", "Doctor:Format", Commands: ["doctor"]),
    ];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var commandLine = CommandLine.Parse(args, Flags, ["check", "hash-password", "doctor"], "serve");
        if (commandLine.Settings.ContainsKey("Check:Explain"))
        {
            commandLine = commandLine.LimitPositional(3);
            return commandLine.Positional.Count < 2
                ? commandLine with { Errors = [.. commandLine.Errors, "--explain SOURCE [USER] NAME PORT: name and port missing"] }
                : commandLine;
        }

        return commandLine.LimitPositional(commandLine.Command is "check" or "hash-password" or "doctor" ? 1 : 0);
    }
}
