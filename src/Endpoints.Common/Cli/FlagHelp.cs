using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Endpoints.Common.Cli;

/// <summary>
/// The flag list of <c>--help</c>, made from the flags themselves and the defaults of the options they set, so it
/// cannot drift from either: each flag with the setting it is (for appsettings.json and the environment), whether it
/// repeats, which commands take it, and its default read off a fresh options object.
/// </summary>
public static class FlagHelp
{
    /// <param name="flags">The command line's flags.</param>
    /// <param name="section">The options' configuration section (<c>DnsOverride</c>), whose keys <paramref name="defaults"/> holds.</param>
    /// <param name="defaults">A new options object: its property values are the defaults.</param>
    public static string Render(IReadOnlyList<Flag> flags, string section, object defaults)
    {
        var text = new StringBuilder("\nflags (each also the setting after it, for appsettings.json or the environment with __ for :):\n");
        var width = flags.Max(f => f.Name.Length) + 2;
        foreach (var flag in flags)
        {
            var notes = new List<string> { flag.Key };
            if (flag.Repeatable)
            {
                notes.Add("repeatable");
            }

            if (flag.Commands is { } commands)
            {
                notes.Add($"for {string.Join(", ", commands)}");
            }

            if (!flag.Switch && DefaultOf(flag.Key, section, defaults) is { } value)
            {
                notes.Add($"default {value}");
            }

            text.Append(CultureInfo.InvariantCulture, $"  {flag.Name.PadRight(width)}{string.Join("; ", notes)}\n");
        }

        return text.ToString();
    }

    /// <summary>The default of <paramref name="key"/> (<c>Section:Property[:Property]</c>); null when it is not an option or has none.</summary>
    public static string? DefaultOf(string key, string section, object defaults)
    {
        if (!key.StartsWith(section + ":", StringComparison.Ordinal))
        {
            return null;
        }

        object? value = defaults;
        foreach (var part in key[(section.Length + 1)..].Split(':'))
        {
            value = value?.GetType().GetProperty(part, BindingFlags.Public | BindingFlags.Instance)?.GetValue(value);
        }

        return value switch
        {
            null => null,
            string { Length: 0 } => null,
            string s => s,
            IEnumerable list => list.Cast<object>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)).ToList() is { Count: > 0 } items ? string.Join(",", items) : null,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }
}
