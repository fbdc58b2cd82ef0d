using System.Net;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// Ordered rules; the first whose sources, destinations, ports and users all match decides. No match is a denial:
/// the proxy is closed by default. An anonymous connection skips rules with users, noting whether one would allow it.
/// </summary>
internal sealed class AccessPolicy
{
    public static readonly AccessPolicy DenyAll = new([]);

    public AccessPolicy(IReadOnlyList<PolicyRule> rules) => Rules = rules;

    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary><paramref name="user"/>: the authenticated principal or account, null when anonymous.</summary>
    public AclDecision Evaluate(IPAddress source, string destination, int port, string? user = null)
    {
        if (!TryFacts(source, destination, port, out var connection))
        {
            return AclDecision.Deny("-", $"'{destination}' is not a valid host name");
        }

        var couldAllow = false;
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            if (user is null && rule.Users is not null)
            {
                couldAllow |= rule.Allow && rule.MatchesConnection(connection);
                continue;
            }

            if (rule.Matches(connection, user))
            {
                return rule.Allow
                    ? new AclDecision(true, rule.Name, "allowed by rule")
                    : new AclDecision(false, rule.Name, couldAllow ? "denied by rule; a rule with users allows it after authentication" : "denied by rule", couldAllow);
            }
        }

        return couldAllow
            ? new AclDecision(false, "-", "authentication required: only a rule with users allows it", true)
            : AclDecision.Deny("-", "no rule matched (default deny)");
    }

    /// <summary>
    /// <see cref="Evaluate"/>'s decision, and for each rule up to the one that decides, why it did or did not match:
    /// what <c>check --explain</c> and the health port's <c>/explain</c> print.
    /// </summary>
    public PolicyExplanation Explain(IPAddress source, string destination, int port, string? user = null)
    {
        var decision = Evaluate(source, destination, port, user);
        var steps = new List<string>();
        if (TryFacts(source, destination, port, out var connection))
        {
            for (var i = 0; i < Rules.Count; i++)
            {
                var rule = Rules[i];
                var conditions = rule.Conditions.Select(c => c.Explain(connection)).ToList();
                if (rule.Users is not null)
                {
                    var users = string.Join(", ", rule.Users);
                    conditions.Add(user is null ? $"the connection has no user (rule's users: {users})"
                        : $"user {user} is {(rule.Users.Any(u => u.Matches(user)) ? string.Empty : "not ")}in {users}");
                }

                // As in Evaluate: the first rule that matches decides (a rule with users never matches an anonymous connection).
                var matched = rule.Matches(connection, user);
                steps.Add($"rule {i + 1} {rule.Name} ({(rule.Allow ? "allow" : "deny")}): {(matched ? "matches" : "no")}: {string.Join("; ", conditions)}");
                if (matched)
                {
                    break;
                }
            }
        }

        return new PolicyExplanation(decision, steps);
    }

    /// <summary>What the rules judge of a connection, for <see cref="Evaluate"/> and <see cref="Explain"/> alike; false for a name that is no host name.</summary>
    private static bool TryFacts(IPAddress source, string destination, int port, out ConnectionFacts connection)
    {
        connection = default;
        if (!HostName.TryNormalize(destination, out var host))
        {
            return false;
        }

        connection = new ConnectionFacts(source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source, host, IPAddress.TryParse(host, out var literal) ? literal : null, port);
        return true;
    }

    /// <summary>Reads and checks a policy file; every problem is reported, with the rule it is in.</summary>
    public static (AccessPolicy? Policy, IReadOnlyList<string> Errors) Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [$"{path}: cannot read: {ex.Message}"]);
        }
    }

    /// <summary>Parses a policy strictly (<see cref="PolicyReader"/>); errors are FILE:LINE:COLUMN: message.</summary>
    public static (AccessPolicy? Policy, IReadOnlyList<string> Errors) Parse(string json, string path) => PolicyReader.Read(json, path);
}
