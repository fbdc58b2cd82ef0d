using System.Reflection;

namespace Endpoints.Testing;

/// <summary>What the operator-facing docs say: the README and docs/*.md, read once.</summary>
public static class SettingsDocumentation
{
    public static string Text { get; } = string.Concat(
        new[] { Path.Combine(BuiltProgram.Repository, "README.md") }.Concat(Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "docs"), "*.md"))
            .Select(File.ReadAllText));

    /// <summary>
    /// What a service's <c>--help</c> output and the docs leave out: a flag <paramref name="help"/> does not list, a flag
    /// the docs do not name, a setting of <paramref name="options"/> the docs name neither by itself nor by its flag.
    /// </summary>
    public static IReadOnlyList<string> Missing(string help, IReadOnlyCollection<(string Name, string Key)> flags, Type options, string section) =>
        [
            .. flags.Where(f => !help.Contains($"  {f.Name} ", StringComparison.Ordinal)).Select(f => $"--help lacks {f.Name}"),
            .. flags.Where(f => !Text.Contains(f.Name, StringComparison.Ordinal)).Select(f => $"the docs lack {f.Name}"),
            .. Undocumented(options, name => flags.FirstOrDefault(f => f.Key == $"{section}:{name}").Name).Select(n => $"the docs lack the setting {n}"),
        ];

    /// <summary>
    /// The public settings of an options type (and of its nested option blocks) that the docs name neither by their own
    /// name nor by the flag that sets them (<paramref name="flagOf"/>: property name to flag, or null).
    /// </summary>
    public static IReadOnlyList<string> Undocumented(Type options, Func<string, string?> flagOf) =>
        [.. options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetSetMethod() is not null)
            .SelectMany(p => p.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal) ? Undocumented(p.PropertyType, flagOf).Select(n => $"{p.Name}:{n}") : [p.Name])
            .Where(name => !Text.Contains(name.Split(':')[^1], StringComparison.Ordinal) && (flagOf(name) is not { } flag || !Text.Contains(flag, StringComparison.Ordinal)))];
}
