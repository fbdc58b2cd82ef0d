using Endpoints.Common.Cli;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Cli;

/// <summary>The commands that do not serve: <c>check</c> (policy, users file, keytab) and <c>hash-password</c>.</summary>
internal static class ProxyChecks
{
    private static readonly string[] Modes = ["connect", "tls", "http"];

    /// <summary>
    /// <c>check --explain SOURCE [USER] NAME PORT</c>: the decision the running proxy makes for that connection and why,
    /// rule by rule. In TLS (SNI) mode nobody authenticates, so a user is refused there. Exit 0 allowed, 1 denied, 2 bad input.
    /// </summary>
    public static int Explain(CommandLine commandLine, TextWriter output, TextWriter error)
    {
        var settings = commandLine.Settings;
        var positional = commandLine.Positional;
        var mode = settings.GetValueOrDefault("Check:Mode") ?? "connect";
        var user = positional.Count == 3 ? positional[0] : null;
        var problems = new List<string>();
        if (!System.Net.IPAddress.TryParse(settings["Check:Explain"], out var source))
        {
            problems.Add($"--explain: '{settings["Check:Explain"]}' is not an IP address");
        }

        if (!int.TryParse(positional[^1], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problems.Add($"'{positional[^1]}' is not a port");
        }

        if (!Modes.Contains(mode))
        {
            problems.Add($"--mode '{mode}': connect, tls or http");
        }
        else if (mode == "tls" && user is not null)
        {
            problems.Add("--mode tls: TLS (SNI) connections carry no user");
        }

        var path = settings.GetValueOrDefault("Proxy:Policy") ?? new ProxyOptions().Policy;
        var (policy, errors) = problems.Count == 0 ? AccessPolicy.Load(path) : (null, []);
        foreach (var problem in problems.Concat(errors))
        {
            error.WriteLine(problem);
        }

        if (policy is null)
        {
            return 2;
        }

        var explanation = policy.Explain(source!, positional[^2], port, user);
        output.Write(explanation.ToString());
        return explanation.Decision.Allowed ? 0 : 1;
    }

    /// <summary>Every error, then every warning (rules with users that cannot match with these listeners); 1 on an error.</summary>
    public static int Check(CommandLine commandLine)
    {
        var settings = commandLine.Settings;
        var path = (commandLine.Positional.Count > 0 ? commandLine.Positional[0] : null) ?? settings.GetValueOrDefault("Proxy:Policy") ?? new ProxyOptions().Policy;
        var (policy, errors) = AccessPolicy.Load(path);
        var keytab = Keytab.Resolve(settings.GetValueOrDefault("Proxy:Keytab"));
        var users = settings.GetValueOrDefault("Proxy:Users");
        var problems = errors.Concat(CredentialFiles.Problems(keytab, settings.GetValueOrDefault("Proxy:Spn"), users)).ToList();

        foreach (var problem in problems)
        {
            Console.Error.WriteLine(problem);
        }

        if (policy is not null)
        {
            // As the server would run: no listener given means the local CONNECT default.
            var connect = settings.ContainsKey("Proxy:Connect");
            var tls = settings.ContainsKey("Proxy:Tls");
            var http = settings.ContainsKey("Proxy:Http");
            foreach (var warning in PolicyWarnings.Of(policy, connect || !(tls || http), http, keytab is not null || users is not null))
            {
                Console.Error.WriteLine($"{path}: warning: {warning}");
            }

            if (users is not null && settings.GetValueOrDefault("Proxy:AllowBasicOverPlaintext") is { } allow && bool.TryParse(allow, out var allowed) && allowed)
            {
                Console.Error.WriteLine("warning: --allow-basic-over-plaintext: Basic passwords are taken on the plaintext listeners and cross the network in clear; prefer --connect-tls");
            }
        }

        var ok = policy is not null && problems.Count == 0;
        Console.WriteLine(ok ? $"OK: {path}, {policy!.Rules.Count} rules" : $"FAILED: {path}");
        return ok ? 0 : 1;
    }

    /// <summary>Reads the password from the first line of <paramref name="input"/> (never the command line, which <c>ps</c> shows).</summary>
    public static int HashPassword(CommandLine commandLine, TextReader input)
    {
        if (commandLine.Positional.Count != 1)
        {
            Console.Error.WriteLine("usage: Endpoints.Proxy hash-password NAME   (password on stdin)");
            return 2;
        }

        var name = commandLine.Positional[0];
        if (UsersFile.NameProblem(name) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }

        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("no password on stdin");
            return 2;
        }

        Console.WriteLine($"{name}:{PasswordHash.Create(password)}");
        return 0;
    }
}
