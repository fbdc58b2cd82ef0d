namespace Endpoints.DnsOverride.Cli;

/// <summary>
/// Maps the documented flags onto configuration keys, so that flags, environment variables and
/// appsettings.json all bind to the same options. Repeatable flags become indexed keys.
/// </summary>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, string?> Settings, string? CheckDirectory, IReadOnlyList<string> Errors)
{
    public const string Usage = """
        usage: Endpoints.DnsOverride [serve] [--listen ADDR:PORT]... [--zones DIR] [--upstream ADDR[:PORT]]...
                                     [--allow-recursion CIDR]... [--metrics console] [--log-level LEVEL]
               Endpoints.DnsOverride check [DIR]
        """;

    private static readonly Dictionary<string, (string Key, bool Repeatable)> Flags = new(StringComparer.Ordinal)
    {
        ["--listen"] = ("DnsOverride:Listen", true),
        ["--upstream"] = ("DnsOverride:Upstream", true),
        ["--allow-recursion"] = ("DnsOverride:AllowRecursion", true),
        ["--zones"] = ("DnsOverride:Zones", false),
        ["--metrics"] = ("DnsOverride:Metrics", false),
        ["--log-level"] = ("Logging:LogLevel:Default", false),
    };

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var counts = new Dictionary<string, int>();
        var command = "serve";
        string? checkDirectory = null;
        var i = 0;
        if (args.Count > 0 && args[0] is "serve" or "check")
        {
            command = args[0];
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (command == "check" && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (checkDirectory is not null)
                {
                    errors.Add($"check takes one directory, got '{arg}' too");
                }

                checkDirectory = arg;
                continue;
            }

            var name = arg;
            string? value = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }

            if (name is "-h" or "--help")
            {
                return new CommandLine("help", settings, null, errors);
            }

            if (!Flags.TryGetValue(name, out var flag))
            {
                errors.Add($"unknown option '{arg}'");
                continue;
            }

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

        return new CommandLine(command, settings, checkDirectory, errors);
    }
}
