using System.Text.RegularExpressions;

namespace Endpoints.Testing;

/// <summary>Runs the real <c>dig</c> and reads its output.</summary>
public sealed partial record Dig(string Output)
{
    public static async Task<Dig> QueryAsync(int port, params string[] arguments)
    {
        var (_, output) = await Tools.RunAsync("dig", ["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+tries=1", "+time=6", .. arguments]);
        return new Dig(output);
    }

    public string Status => StatusPattern().Match(Output) is { Success: true } m ? m.Groups[1].Value : $"(no answer: {Output})";

    public IReadOnlySet<string> Flags => FlagsPattern().Match(Output) is { Success: true } m
        ? m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()
        : new HashSet<string>();

    public IReadOnlyList<string> Answer => Section("ANSWER");

    public IReadOnlyList<string> Authority => Section("AUTHORITY");

    public IReadOnlyList<string> Question => Section("QUESTION");

    /// <summary>Records of a section with tabs folded to spaces, e.g. "www.example.test. 5400 IN A 192.0.2.80".</summary>
    public IReadOnlyList<string> Section(string name)
    {
        var lines = Output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($";; {name} SECTION:", StringComparison.Ordinal));
        if (start < 0)
        {
            return [];
        }

        return lines.Skip(start + 1).TakeWhile(l => l.Trim().Length > 0)
            .Select(l => WhitespacePattern().Replace(l.Trim(), " "))
            .ToList();
    }

    [GeneratedRegex(@"status: (\w+)")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"flags: ([a-z ]*);")]
    private static partial Regex FlagsPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
