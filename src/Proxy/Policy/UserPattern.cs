namespace Endpoints.Proxy.Policy;

/// <summary>
/// Who a rule's <c>users</c> entry names: <c>alice@CORP.EXAMPLE</c> (a Kerberos principal), <c>*@CORP.EXAMPLE</c>
/// (anyone of that realm), <c>svc-backup</c> (a name without a realm: a Basic account), or <c>*</c> (anyone who
/// authenticated). The name part is compared exactly, as Kerberos does; the realm without regard to case.
/// </summary>
internal sealed record UserPattern(string? Name, string? Realm)
{
    public bool Matches(string user)
    {
        var at = user.LastIndexOf('@');
        var (name, realm) = at < 0 ? (user, null) : (user[..at], user[(at + 1)..]);
        if (Name is null && Realm is null)
        {
            return true;
        }

        return (Name is null || string.Equals(Name, name, StringComparison.Ordinal)) &&
            string.Equals(Realm, realm, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether every user <paramref name="other"/> matches is matched by this pattern too.</summary>
    public bool Covers(UserPattern other) =>
        (Name is null && Realm is null) ||
        ((Name is null || string.Equals(Name, other.Name, StringComparison.Ordinal)) && string.Equals(Realm, other.Realm, StringComparison.OrdinalIgnoreCase) &&
            (other.Name is not null || Name is null));

    public static bool TryParse(string text, out UserPattern pattern, out string? error)
    {
        pattern = new UserPattern(null, null);
        error = null;
        if (text == "*")
        {
            return true;
        }

        if (text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':'))
        {
            error = $"user '{text}' must not be empty or hold spaces, control characters or ':'";
            return false;
        }

        if (text.Count(c => c == '@') > 1)
        {
            error = $"user '{text}' has more than one '@' (NAME@REALM)";
            return false;
        }

        var at = text.LastIndexOf('@');
        var name = at < 0 ? text : text[..at];
        var realm = at < 0 ? null : text[(at + 1)..];
        if (name.Length == 0 || realm is { Length: 0 } || (name.Contains('*', StringComparison.Ordinal) && name != "*") || realm?.Contains('*', StringComparison.Ordinal) == true)
        {
            error = $"user '{text}' is not NAME, NAME@REALM, *@REALM or *";
            return false;
        }

        if (name == "*" && realm is null)
        {
            error = $"user '{text}' is not NAME, NAME@REALM, *@REALM or *";
            return false;
        }

        pattern = new UserPattern(name == "*" ? null : name, realm);
        return true;
    }

    public override string ToString() => Name is null && Realm is null ? "*" : $"{Name ?? "*"}{(Realm is null ? string.Empty : "@" + Realm)}";
}
