using Endpoints.Common.Cli;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Cli;

/// <summary>The commands that do not serve: <c>check</c> (policy, users file, keytab) and <c>hash-password</c>.</summary>
internal static class ProxyChecks
{
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
