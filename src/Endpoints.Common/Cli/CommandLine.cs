namespace Endpoints.Common.Cli;

/// <summary>
/// A parsed command line: an optional leading command word, flags mapped onto configuration keys (so flags,
/// environment variables and appsettings.json bind to the same options), positional arguments and every error.
/// </summary>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> Positional, IReadOnlyList<string> Errors)
{
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<Flag> flags, IReadOnlyList<string> commands, string defaultCommand)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        var errors = new List<string>();
        var counts = new Dictionary<string, int>();
        var start = args.Count > 0 && commands.Contains(args[0]) ? 1 : 0;
        var command = start == 1 ? args[0] : defaultCommand;
        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new CommandLine("help", settings, positional, errors);
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            var flag = flags.FirstOrDefault(f => f.Name == name);
            if (flag is null)
            {
                errors.Add($"unknown option '{arg}'");
                continue;
            }

            if (flag.Commands is { } only && !only.Contains(command))
            {
                errors.Add($"{name} is for {string.Join(" and ", only)}, not {command}");
                continue;
            }

            var value = equals > 0 ? arg[(equals + 1)..] : flag.Switch ? "true" : null;
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

        return new CommandLine(command, settings, positional, errors);
    }

    /// <summary>The same command line with an error when there are more positional arguments than <paramref name="max"/>.</summary>
    public CommandLine LimitPositional(int max) => Positional.Count <= max ? this
        : this with { Errors = [.. Errors, $"unexpected argument '{Positional[max]}'"] };

    /// <summary>Prints the errors and the usage; the exit code for them.</summary>
    public int ReportUsage(string usage)
    {
        foreach (var error in Errors)
        {
            Console.Error.WriteLine($"error: {error}");
        }

        Console.Error.WriteLine(usage);
        return Errors.Count > 0 ? 2 : 0;
    }
}
