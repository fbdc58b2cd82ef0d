using System.Reflection;

namespace Endpoints.Testing;

/// <summary>What the operator-facing docs say: the README and docs/*.md, read once.</summary>
public static class SettingsDocumentation
{
    public static string Text { get; } = string.Concat(
        new[] { Path.Combine(BuiltProgram.Repository, "README.md") }.Concat(Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "docs"), "*.md"))
            .Select(File.ReadAllText));

    /// <summary>
    /// The public settings of an options type (and of its nested option blocks) that the docs name neither by their own
    /// name nor by the flag that sets them (<paramref name="flagOf"/>: property name to flag, or null).
    /// </summary>
    public static IReadOnlyList<string> Undocumented(Type options, Func<string, string?> flagOf) =>
        [.. options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetSetMethod() is not null)
            .SelectMany(p => p.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal) ? Undocumented(p.PropertyType, flagOf).Select(n => $"{p.Name}:{n}") : [p.Name])
            .Where(name => !Text.Contains(name.Split(':')[^1], StringComparison.Ordinal) && (flagOf(name) is not { } flag || !Text.Contains(flag, StringComparison.Ordinal)))];
}
