namespace Endpoints.Proxy.Authentication;

/// <summary>What is wrong with the keytab and the Basic accounts file: one check for start-up and for <c>check</c>.</summary>
internal static class CredentialFiles
{
    /// <summary><paramref name="keytab"/> as resolved (<see cref="Keytab.Resolve"/>), <paramref name="spn"/> and <paramref name="users"/> as given; null when not set.</summary>
    public static IEnumerable<string> Problems(string? keytab, string? spn, string? users)
    {
        if (keytab is not null && Keytab.Problem(keytab) is { } problem)
        {
            yield return $"--keytab: {problem}";
        }

        if (spn is not null && keytab is null)
        {
            yield return "--spn: names the principal of a keytab, and no --keytab (or KRB5_KTNAME) is given";
        }
        else if (spn is not null && !Keytab.IsServicePrincipal(spn))
        {
            yield return $"--spn: '{spn}' is not a service principal such as HTTP/proxy.corp.example (or HTTP/proxy.corp.example@CORP.EXAMPLE)";
        }

        foreach (var error in users is null ? [] : UsersFile.Load(users).Errors)
        {
            yield return $"--users: {error}";
        }
    }
}
