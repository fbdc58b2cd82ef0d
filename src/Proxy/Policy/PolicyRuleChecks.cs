namespace Endpoints.Proxy.Policy;

/// <summary>Checks across rules: names used twice, and rules an earlier rule makes unreachable.</summary>
internal static class PolicyRuleChecks
{
    public static void Check(List<(PolicyRule Rule, int Line, string Where)> rules, List<string> errors)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var (rule, line, where) = rules[i];
            if (rule is null)
            {
                continue;
            }

            if (!names.TryAdd(rule.Name, line))
            {
                errors.Add($"{where}: rule name '{rule.Name}' is already used by the rule at line {names[rule.Name]}");
            }

            for (var j = 0; j < i; j++)
            {
                var (earlier, earlierLine, _) = rules[j];
                if (earlier is not null && earlier.Covers(rule))
                {
                    errors.Add($"{where}: rule '{rule.Name}' can never match: rule '{earlier.Name}' at line {earlierLine} " +
                        $"({(earlier.Allow ? "allow" : "deny")}) matches every connection it would");
                    break;
                }
            }
        }
    }
}
