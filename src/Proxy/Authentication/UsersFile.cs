namespace Endpoints.Proxy.Authentication;

/// <summary>
/// The Basic accounts file (<c>--users</c>): one <c>NAME:HASH</c> per line (<see cref="PasswordHash"/>), blank lines
/// and <c>#</c> comments allowed. Strict: every bad line is an error at FILE:LINE, all reported at once, and a file
/// with errors is not used.
/// </summary>
internal static class UsersFile
{
    public static (IReadOnlyDictionary<string, PasswordHash>? Users, IReadOnlyList<string> Errors) Load(string path)
    {
        try
        {
            return Parse(File.ReadAllLines(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [$"{path}: cannot read: {ex.Message}"]);
        }
    }

    public static (IReadOnlyDictionary<string, PasswordHash>? Users, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> lines, string path)
    {
        var users = new Dictionary<string, PasswordHash>(StringComparer.Ordinal);
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            var where = $"{path}:{i + 1}";
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                errors.Add($"{where}: expected NAME:HASH");
                continue;
            }

            var name = line[..colon];
            if (NameProblem(name) is { } problem)
            {
                errors.Add($"{where}: {problem}");
                continue;
            }

            if (!PasswordHash.TryParse(line[(colon + 1)..], out var hash, out var error))
            {
                errors.Add($"{where}: {name}: {error}");
                continue;
            }

            if (!users.TryAdd(name, hash!))
            {
                errors.Add($"{where}: '{name}' is already defined at line {lineOf[name]}");
                continue;
            }

            lineOf[name] = i + 1;
        }

        return errors.Count > 0 ? (null, errors) : (users, []);
    }

    /// <summary>What is wrong with an account name, or null.</summary>
    public static string? NameProblem(string name) =>
        name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '@' or ':' or '#')
            ? $"name '{name}' must be non-empty, without spaces, control characters, ':', '#' or '@' (Kerberos users authenticate with Negotiate)"
            : null;
}
