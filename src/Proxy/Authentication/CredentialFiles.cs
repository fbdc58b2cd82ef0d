using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.Proxy.Authentication;

/// <summary>What is wrong with the keytab and the Basic accounts file: one check for start-up and for <c>check</c>.</summary>
internal static class CredentialFiles
{
    /// <summary><paramref name="keytab"/> as resolved (<see cref="Keytab.Resolve"/>), <paramref name="spn"/> and <paramref name="users"/> as given; null when not set.</summary>
    public static IEnumerable<string> Problems(string? keytab, string? spn, string? users)
    {
        var keytabProblem = keytab is null ? null : Keytab.Problem(keytab);
        if (keytabProblem is not null)
        {
            yield return $"--keytab: {keytabProblem}";
        }

        if (spn is not null && keytab is null)
        {
            yield return "--spn: names the principal of a keytab, and no --keytab (or KRB5_KTNAME) is given";
        }
        else if (spn is not null && !Keytab.IsServicePrincipal(spn))
        {
            yield return $"--spn: '{spn}' is not a service principal such as HTTP/proxy.corp.example (or HTTP/proxy.corp.example@CORP.EXAMPLE)";
        }
        else if (keytab is not null && keytabProblem is null && KeysProblem(keytab, spn) is { } keys)
        {
            yield return $"--keytab: {keys}";
        }

        foreach (var error in users is null ? [] : UsersFile.Load(users).Errors)
        {
            yield return $"--users: {error}";
        }
    }

    /// <summary>Whether the keytab can be read and holds a key the proxy would accept tickets with, as it will load it.</summary>
    private static string? KeysProblem(string keytab, string? spn)
    {
        try
        {
            using var acceptor = GssAcceptor.Create(spn, keytab, NullLogger.Instance);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }
}
