namespace Endpoints.Proxy.Policy;

/// <summary>
/// One rule of the policy: its <see cref="Conditions"/> on the connection (sources, ports, destinations; a kind not
/// named matches any), and <see cref="Users"/> (null means anyone, authenticated or not). A rule with users matches
/// authenticated connections only.
/// </summary>
internal sealed record PolicyRule(string Name, bool Allow, IReadOnlyList<IRuleCondition> Conditions, IReadOnlyList<UserPattern>? Users = null)
{
    /// <summary>The ports the rule names, null for any (for the warnings).</summary>
    public IReadOnlySet<int>? Ports => Conditions.OfType<PortCondition>().FirstOrDefault()?.Ports;

    public bool Matches(in ConnectionFacts connection, string? user) =>
        MatchesConnection(connection) && (Users is null || (user is not null && MatchesUser(user)));

    /// <summary>Everything but the user. Loops, not LINQ: it runs for every rule on every connection.</summary>
    public bool MatchesConnection(in ConnectionFacts connection)
    {
        for (var i = 0; i < Conditions.Count; i++)
        {
            if (!Conditions[i].Matches(connection))
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesUser(string user)
    {
        for (var i = 0; i < Users!.Count; i++)
        {
            if (Users[i].Matches(user))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every connection <paramref name="later"/> matches is matched by this rule, so that later can never decide.</summary>
    public bool Covers(PolicyRule later) =>
        Conditions.All(mine => later.Conditions.Any(theirs => theirs.GetType() == mine.GetType() && mine.Covers(theirs))) &&
        (Users is null || (later.Users is not null && later.Users.All(u => Users.Any(mine => mine.Covers(u)))));
}
