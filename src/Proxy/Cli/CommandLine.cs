namespace Endpoints.Proxy.Cli;

/// <summary>Maps the documented flags onto configuration keys; repeatable flags become indexed keys.</summary>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, string?> Settings, string? CheckFile, IReadOnlyList<string> Errors)
{
    public const string Usage = """
        usage: Endpoints.Proxy [--connect ADDR:PORT] [--tls ADDR:PORT] [--http ADDR:PORT] [--health ADDR:PORT]
                               [--policy FILE] [--resolver ADDR[:PORT]]... [--allow-range CIDR]...
                               [--proxy-protocol-from CIDR]... [--metrics console] [--log-level LEVEL]
               Endpoints.Proxy check [POLICY-FILE]
        """;

    private static readonly Dictionary<string, (string Key, bool Repeatable)> Flags = new(StringComparer.Ordinal)
    {
        ["--connect"] = ("Proxy:Connect", false),
        ["--tls"] = ("Proxy:Tls", false),
        ["--http"] = ("Proxy:Http", false),
        ["--health"] = ("Proxy:Health", false),
        ["--policy"] = ("Proxy:Policy", false),
        ["--metrics"] = ("Proxy:Metrics", false),
        ["--resolver"] = ("Proxy:Resolver", true),
        ["--allow-range"] = ("Proxy:AllowRange", true),
        ["--proxy-protocol-from"] = ("Proxy:ProxyProtocolFrom", true),
        ["--log-level"] = ("Logging:LogLevel:Default", false),
    };

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var counts = new Dictionary<string, int>();
        var command = args.Count > 0 && args[0] == "check" ? "check" : "serve";
        string? checkFile = null;
        for (var i = command == "check" ? 1 : 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new CommandLine("help", settings, null, errors);
            }

            if (command == "check" && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                checkFile = arg;
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (!Flags.TryGetValue(name, out var flag))
            {
                errors.Add($"unknown option '{arg}'");
                continue;
            }

            string? value = equals > 0 ? arg[(equals + 1)..] : null;
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    errors.Add($"{name} needs a value");
                    continue;
                }

                value = args[++i];
            }

            if (flag.Repeatable)
            {
                var index = counts.GetValueOrDefault(flag.Key);
                counts[flag.Key] = index + 1;
                settings[$"{flag.Key}:{index}"] = value;
            }
            else
            {
                settings[flag.Key] = value;
            }
        }

        return new CommandLine(command, settings, checkFile, errors);
    }
}
