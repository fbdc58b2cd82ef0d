namespace Endpoints.Testing;

/// <summary>Finds the real programs the tests drive; a missing one fails the test with what to install.</summary>
public static class Tools
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["dig"] = "bind9-dnsutils",
        ["named"] = "bind9",
        ["named-checkzone"] = "bind9-utils",
        ["dotnet"] = "the .NET SDK",
        ["haproxy"] = "haproxy",
        ["curl"] = "curl",
        ["unbound"] = "unbound",
        ["git"] = "git",
        ["prometheus"] = "prometheus",
        ["promtool"] = "prometheus",
        ["krb5kdc"] = "krb5-kdc",
        ["kdb5_util"] = "krb5-kdc",
        ["kadmin.local"] = "krb5-kdc",
        ["kinit"] = "krb5-user",
    };

    public static string Require(string name)
    {
        if (Path.IsPathRooted(name))
        {
            return name;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' is not installed: install the Debian package {Packages.GetValueOrDefault(name, name)} (the README's test command does this)");
    }

    public static Task<(int ExitCode, string Output)> RunAsync(string name, params string[] arguments) => RunWithEnvironmentAsync(null, name, arguments);

    public static Task<(int ExitCode, string Output)> RunWithEnvironmentAsync(IDictionary<string, string>? environment, string name, params string[] arguments) =>
        RunInAsync(null, name, arguments, environment);

    /// <summary>Runs a program in <paramref name="workingDirectory"/> to its end (60 s at most unless given), with its output and error interleaved.</summary>
    public static async Task<(int ExitCode, string Output)> RunInAsync(
        string? workingDirectory, string name, string[] arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        using var process = new ExternalProcess(name, arguments, workingDirectory, environment);
        await Task.Run(() => process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)));
        return (process.ExitCode, process.Output);
    }
}
