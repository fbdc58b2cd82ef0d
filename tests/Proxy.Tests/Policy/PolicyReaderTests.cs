using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tests.Policy;

public sealed class PolicyReaderTests
{
    private const string Good = """{ "name": "ok", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["*.s3.test"], "ports": [443] }""";

    /// <summary>Each case is one rule on line 2 of the file, indented by two; the error names that line and the column where <c>at</c> starts.</summary>
    [Theory]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "port": [443] }""", "\"port\"", "unknown key 'port'; did you mean 'ports'?")]
    [InlineData("""{ "name": "a", "action": "allow", "source": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "\"source\"", "unknown key 'source'; did you mean 'sources'?")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destination": ["x.test"] }""", "\"destination\"", "unknown key 'destination'; did you mean 'destinations'?")]
    [InlineData("""{ "name": "a", "acton": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "\"acton\"", "unknown key 'acton'; did you mean 'action'?")]
    [InlineData("""{ "name": "a", "Ports": [443], "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "\"Ports\"", "unknown key 'Ports'; did you mean 'ports'?")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "comment": "x" }""", "\"comment\"", "unknown key 'comment'")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": "10.0.0.0/8", "destinations": ["x.test"] }""", "\"10.0.0.0/8\", \"dest", "'sources' must be a list of strings, not a string")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "ports": 443 }""", "443 }", "'ports' must be a list of port numbers, not a number")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "ports": ["443"] }""", "\"443\"", "a port must be a whole number from 1 to 65535, not a string")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "ports": [0] }""", "0]", "a port must be a whole number from 1 to 65535, not 0")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "ports": [44.3] }""", "44.3", "a port must be a whole number from 1 to 65535, not 44.3")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "ports": [] }""", "[] }", "'ports' must not be empty")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": [], "destinations": ["x.test"] }""", "[], \"dest", "'sources' must not be empty")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": [] }""", "[] }", "'destinations' must not be empty")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": [10], "destinations": ["x.test"] }""", "10]", "'sources' must hold strings, not a number")]
    [InlineData("""{ "name": "a", "action": "permit", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "\"permit\"", "'action' must be \"allow\" or \"deny\", not \"permit\"")]
    [InlineData("""{ "name": "a", "action": true, "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "true", "'action' must be a string, not true/false")]
    [InlineData("""{ "name": "", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "\"\",", "'name' must not be empty")]
    [InlineData("""{ "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "{ \"action\"", "rule 'unnamed' has no 'name'")]
    [InlineData("""{ "name": "a", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "{ \"name\"", "rule 'a' has no 'action'")]
    [InlineData("""{ "name": "a", "action": "allow", "destinations": ["x.test"] }""", "{ \"name\"", "rule 'a' has no 'sources'")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/33"], "destinations": ["x.test"] }""", "\"10.0.0.0/33\"", "source '10.0.0.0/33': the prefix length must be 0 to 32, in decimal")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["010.0.0.0/8"], "destinations": ["x.test"] }""", "\"010.0.0.0/8\"", "source '010.0.0.0' is not an address written as four decimal parts without leading zeros (a leading 0 reads as octal)")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.1.2.3/8"], "destinations": ["x.test"] }""", "\"10.1.2.3/8\"", "source '10.1.2.3/8' has host bits set; the network is 10.0.0.0/8")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["127.0.0.1/0"], "destinations": ["x.test"] }""", "\"127.0.0.1/0\"", "source '127.0.0.1/0' has host bits set: /0 is every address, written 0.0.0.0/0")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.1"], "destinations": ["x.test"] }""", "\"10.1\"", "source '10.1' is not an address written as four decimal parts without leading zeros (a leading 0 reads as octal)")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["fe80::1%eth0"], "destinations": ["x.test"] }""", "\"fe80::1%eth0\"", "source 'fe80::1%eth0' is not an IP address")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["010.0.0.1"] }""", "\"010.0.0.1\"", "destination '010.0.0.1' is not an address written as four decimal parts without leading zeros (a leading 0 reads as octal)")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["2001:db8::1/32"] }""", "\"2001:db8::1/32\"", "destination '2001:db8::1/32' has host bits set; the network is 2001:db8::/32")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "users": ["alice@evil@CORP.EXAMPLE"] }""", "\"alice@evil", "user 'alice@evil@CORP.EXAMPLE' has more than one '@' (NAME@REALM)")]
    [InlineData("""{ "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["*bad*"] }""", "\"*bad*\"", "'*bad*' is not a host name, *.name, IP or CIDR")]
    [InlineData("""{ "name": "a", "action": "allow", "action": "deny", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] }""", "\"action\": \"deny\"", "'action' appears twice in one rule")]
    [InlineData("\"allow everything\"", "\"allow everything\"", "a rule must be an object, not a string")]
    public void RejectsEachMistakeAtItsLineAndColumn(string rule, string at, string message)
    {
        var column = rule.IndexOf(at, StringComparison.Ordinal) + 3;
        var (policy, errors) = AccessPolicy.Parse($"{{ \"rules\": [\n  {rule},\n  {Good}\n] }}", "p.json");

        Assert.Null(policy);
        Assert.Contains(errors, e => e.StartsWith($"p.json:2:{column}: {message}", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsEveryProblemAtOnce()
    {
        var (policy, errors) = AccessPolicy.Parse("""
            { "rules": [
              { "name": "a", "action": "permit", "sources": ["10.0.0.0/33"], "destinations": ["*bad*"], "port": [0] }
            ] }
            """, "p.json");

        Assert.Null(policy);
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("p.json:2:", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ \"rules\": [] }", "p.json:1:3: no rules")]
    [InlineData("{ }", "p.json:1:1: no 'rules' list")]
    [InlineData("[]", "p.json:1:1: expected { \"rules\": [ ... ] }")]
    [InlineData("{ \"rules\": {} }", "p.json:1:12: 'rules' must be a list of rules, not an object")]
    [InlineData("{ \"rules\": [\n  { \"name\": \"a\",, }\n] }", "p.json:2:17: invalid JSON")]
    public void RejectsABadDocument(string json, string expected)
    {
        var (policy, errors) = AccessPolicy.Parse(json, "p.json");

        Assert.Null(policy);
        Assert.StartsWith(expected, Assert.Single(errors), StringComparison.Ordinal);
    }

    /// <summary>Rule b on line 3 is unreachable after rule a on line 2, whatever their actions.</summary>
    [Theory]
    [InlineData("""["10.0.0.0/8"], "destinations": ["*.s3.test"]""", """["10.1.0.0/16"], "destinations": ["x.s3.test"]""")]
    [InlineData("""["10.0.0.0/8"], "destinations": ["*.s3.test"]""", """["10.1.0.0/16"], "destinations": ["*.a.s3.test", "b.s3.test"], "ports": [443]""")]
    [InlineData("""["0.0.0.0/0", "::/0"], "destinations": ["203.0.113.0/24"]""", """["::1"], "destinations": ["203.0.113.9"]""")]
    [InlineData("""["10.0.0.0/8"], "destinations": ["x.test"], "ports": [443, 80]""", """["10.2.3.4"], "destinations": ["X.TEST."], "ports": [443]""")]
    public void RejectsARuleThatAnEarlierOneShadows(string first, string second)
    {
        foreach (var (a, b) in new[] { ("allow", "allow"), ("deny", "allow"), ("allow", "deny") })
        {
            var (policy, errors) = AccessPolicy.Parse(
                $"{{ \"rules\": [\n  {{ \"name\": \"a\", \"action\": \"{a}\", \"sources\": {first} }},\n  {{ \"name\": \"b\", \"action\": \"{b}\", \"sources\": {second} }}\n] }}",
                "p.json");

            Assert.Null(policy);
            Assert.StartsWith("p.json:3:3: rule 'b' can never match: rule 'a' at line 2", Assert.Single(errors), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""["10.1.0.0/16"], "destinations": ["*.s3.test"]""", """["10.0.0.0/8"], "destinations": ["x.s3.test"]""")]
    [InlineData("""["10.0.0.0/8"], "destinations": ["*.s3.test"]""", """["10.0.0.0/8"], "destinations": ["s3.test"]""")]
    [InlineData("""["10.0.0.0/8"], "destinations": ["x.test"], "ports": [443]""", """["10.0.0.0/8"], "destinations": ["x.test"]""")]
    [InlineData("""["10.0.0.0/8"], "destinations": ["x.test"]""", """["10.0.0.0/8"], "destinations": ["x.test", "y.test"]""")]
    [InlineData("""["0.0.0.0/0"], "destinations": ["x.test"]""", """["::/0"], "destinations": ["x.test"]""")]
    public void AcceptsARuleThatStillMatchesSomething(string first, string second)
    {
        var (policy, errors) = AccessPolicy.Parse(
            $"{{ \"rules\": [\n  {{ \"name\": \"a\", \"action\": \"deny\", \"sources\": {first} }},\n  {{ \"name\": \"b\", \"action\": \"allow\", \"sources\": {second} }}\n] }}",
            "p.json");

        Assert.Empty(errors);
        Assert.Equal(2, policy!.Rules.Count);
    }

    [Fact]
    public void SuggestsTheKeyForAMisspeltRulesList()
    {
        var (_, errors) = AccessPolicy.Parse("{ \"rule\": [] }", "p.json");

        Assert.Equal(["p.json:1:3: unknown key 'rule'; did you mean 'rules'?", "p.json:1:1: no 'rules' list"], errors);
    }

    [Fact]
    public void RejectsADuplicateRuleName()
    {
        var (_, errors) = AccessPolicy.Parse($"{{ \"rules\": [\n  {Good},\n  {Good.Replace("*.s3.test", "other.test", StringComparison.Ordinal)}\n] }}", "p.json");

        Assert.Equal("p.json:3:3: rule name 'ok' is already used by the rule at line 2", Assert.Single(errors));
    }

    [Fact]
    public void TheShippedPolicyLoads()
    {
        var (policy, errors) = AccessPolicy.Load(Path.Combine(AppContext.BaseDirectory, "deploy-policy.json"));

        Assert.Empty(errors);
        Assert.Equal(2, policy!.Rules.Count);
    }
}
