using Endpoints.Common.Cli;
using Endpoints.Common.Hosting;

namespace Endpoints.DnsOverride.Cli;

/// <summary>The server's commands and flags (the command line), each flag a key of the configuration.</summary>
internal static class DnsOverrideCommandLine
{
    public const string Usage = """
        usage: Endpoints.DnsOverride [serve] [--config FILE] [--listen ADDR:PORT]... [--zones DIR] [--upstream ADDR[:PORT]]...
                                     [--allow-recursion CIDR]... [--http ADDR:PORT|none]
                                     [--proxy-protocol-from CIDR]... [--cache-size MiB] [--cache-max-ttl T] [--cache-min-ttl T]
                                     [--cache-max-negative-ttl T] [--serve-stale T] [--stale-answer-client-timeout T]
                                     [--allow-transfer CIDR]... [--tsig-keys FILE] [--notify ADDR[:PORT]]...
                                     [--metrics prometheus,otlp,console|none] [--log-level LEVEL] [--log-format simple|json]
               Endpoints.DnsOverride check [DIR] [--strict]
               Endpoints.DnsOverride diff --against REF [DIR] [--format text|markdown|json] [--allow-large-change]
               Endpoints.DnsOverride generate --region REGION... --address [REGION=]IP... [--ns-address [REGION=]IP...]
                                              [--services s3,dynamodb] [--out DIR] [--force]
        """;

    public static readonly Flag[] Flags =
    [
        new("--listen", "DnsOverride:Listen", Repeatable: true),
        new("--upstream", "DnsOverride:Upstream", Repeatable: true),
        new("--allow-recursion", "DnsOverride:AllowRecursion", Repeatable: true),
        new("--zones", "DnsOverride:Zones"),
        new("--metrics", "DnsOverride:Metrics"),
        new("--http", "DnsOverride:Http", Commands: ["serve"]),
        new("--proxy-protocol-from", "DnsOverride:ProxyProtocolFrom", Repeatable: true, Commands: ["serve"]),
        new("--allow-transfer", "DnsOverride:AllowTransfer", Repeatable: true, Commands: ["serve"]),
        new("--tsig-keys", "DnsOverride:TsigKeys", Commands: ["serve"]),
        new("--notify", "DnsOverride:Notify", Repeatable: true, Commands: ["serve"]),
        new("--cache-size", "DnsOverride:Cache:Size", Commands: ["serve"]),
        new("--cache-max-ttl", "DnsOverride:Cache:MaxTtl", Commands: ["serve"]),
        new("--cache-min-ttl", "DnsOverride:Cache:MinTtl", Commands: ["serve"]),
        new("--cache-max-negative-ttl", "DnsOverride:Cache:MaxNegativeTtl", Commands: ["serve"]),
        new("--serve-stale", "DnsOverride:Cache:ServeStale", Commands: ["serve"]),
        new("--stale-answer-client-timeout", "DnsOverride:Cache:StaleAnswerClientTimeout", Commands: ["serve"]),
        new("--log-level", "Logging:LogLevel:Default"),
        new("--log-format", "Logging:Format"),
        new("--config", ServiceHost.ConfigKey, Commands: ["serve"]),
        new("--strict", "Check:Strict", Switch: true, Commands: ["check"]),
        new("--against", "Diff:Against", Commands: ["diff"]),
        new("--format", "Diff:Format", Commands: ["diff"]),
        new("--allow-large-change", "Diff:AllowLargeChange", Switch: true, Commands: ["diff"]),
        new("--region", "Generate:Region", Repeatable: true, Commands: ["generate"]),
        new("--address", "Generate:Address", Repeatable: true, Commands: ["generate"]),
        new("--ns-address", "Generate:NsAddress", Repeatable: true, Commands: ["generate"]),
        new("--services", "Generate:Services", Commands: ["generate"]),
        new("--out", "Generate:Out", Commands: ["generate"]),
        new("--force", "Generate:Force", Switch: true, Commands: ["generate"]),
    ];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var commandLine = CommandLine.Parse(args, Flags, ["serve", "check", "diff", "generate"], "serve");
        commandLine = commandLine.LimitPositional(commandLine.Command is "check" or "diff" ? 1 : 0);
        if (commandLine.Command == "diff" && !commandLine.Settings.ContainsKey("Diff:Against"))
        {
            commandLine = commandLine with { Errors = [.. commandLine.Errors, "diff needs --against REF (e.g. origin/main)"] };
        }

        if (commandLine.Settings.GetValueOrDefault("Diff:Format") is { } format && format is not ("text" or "markdown" or "json"))
        {
            commandLine = commandLine with { Errors = [.. commandLine.Errors, $"--format '{format}' must be text, markdown or json"] };
        }

        return commandLine;
    }
}
