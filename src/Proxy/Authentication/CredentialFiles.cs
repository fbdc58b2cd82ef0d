namespace Endpoints.Proxy.Authentication;

/// <summary>What is wrong with the keytab and the Basic accounts file: one check for start-up and for <c>check</c>.</summary>
internal static class CredentialFiles
{
    /// <summary><paramref name="keytab"/> as resolved (<see cref="Keytab.Resolve"/>), <paramref name="users"/> as given; null when not set.</summary>
    public static IEnumerable<string> Problems(string? keytab, string? users)
    {
        if (keytab is not null && Keytab.Problem(keytab) is { } problem)
        {
            yield return $"--keytab: {problem}";
        }

        foreach (var error in users is null ? [] : UsersFile.Load(users).Errors)
        {
            yield return $"--users: {error}";
        }
    }
}
