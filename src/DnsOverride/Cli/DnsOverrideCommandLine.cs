using Endpoints.Common.Cli;

namespace Endpoints.DnsOverride.Cli;

/// <summary>The server's commands and flags (the command line), each flag a key of the configuration.</summary>
internal static class DnsOverrideCommandLine
{
    public const string Usage = """
        usage: Endpoints.DnsOverride [serve] [--listen ADDR:PORT]... [--zones DIR] [--upstream ADDR[:PORT]]...
                                     [--allow-recursion CIDR]... [--metrics console] [--log-level LEVEL]
               Endpoints.DnsOverride check [DIR]
        """;

    public static readonly Flag[] Flags =
    [
        new("--listen", "DnsOverride:Listen", Repeatable: true),
        new("--upstream", "DnsOverride:Upstream", Repeatable: true),
        new("--allow-recursion", "DnsOverride:AllowRecursion", Repeatable: true),
        new("--zones", "DnsOverride:Zones"),
        new("--metrics", "DnsOverride:Metrics"),
        new("--log-level", "Logging:LogLevel:Default"),
    ];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var commandLine = CommandLine.Parse(args, Flags, ["serve", "check"], "serve");
        return commandLine.LimitPositional(commandLine.Command == "check" ? 1 : 0);
    }
}
