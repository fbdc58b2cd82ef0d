using System.Net;
using Endpoints.Proxy.Policy;

namespace Endpoints.Proxy.Tests.Policy;

/// <summary>Rules with users: who they match, when an anonymous connection is told to authenticate, and their checks.</summary>
public sealed class UsersRulesTests
{
    private const string Json = """
        { "rules": [
          { "name": "no-admin-for-bob", "action": "deny", "sources": ["10.0.0.0/8"], "destinations": ["admin.s3.test"], "users": ["bob@CORP.EXAMPLE"] },
          { "name": "staff", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["*.s3.test"], "ports": [443], "users": ["*@CORP.EXAMPLE", "svc-backup"] },
          { "name": "public-bucket", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["public.s3.test"], "ports": [443] },
          { "name": "no-secrets", "action": "deny", "sources": ["0.0.0.0/0"], "destinations": ["secret.s3.test"] }
        ] }
        """;

    private static readonly AccessPolicy Policy = AccessPolicy.Parse(Json, "policy.json").Policy!;

    [Theory]
    [InlineData(null, "data.s3.test", false, "-", true)]
    [InlineData("alice@CORP.EXAMPLE", "data.s3.test", true, "staff", false)]
    [InlineData("alice@corp.example", "data.s3.test", true, "staff", false)]
    [InlineData("svc-backup", "data.s3.test", true, "staff", false)]
    [InlineData("mallory@EVIL.EXAMPLE", "data.s3.test", false, "-", false)]
    [InlineData("bob@CORP.EXAMPLE", "admin.s3.test", false, "no-admin-for-bob", false)]
    [InlineData("alice@CORP.EXAMPLE", "admin.s3.test", true, "staff", false)]
    [InlineData(null, "admin.s3.test", false, "-", true)]
    [InlineData(null, "public.s3.test", true, "public-bucket", false)]
    [InlineData("mallory@EVIL.EXAMPLE", "public.s3.test", true, "public-bucket", false)]
    [InlineData(null, "secret.s3.test", false, "no-secrets", true)]
    [InlineData(null, "elsewhere.example", false, "-", false)]
    public void AnonymousConnectionsSkipRulesWithUsersAndLearnWhetherOneWouldAllow(string? user, string host, bool allowed, string rule, bool couldAllow)
    {
        var decision = Policy.Evaluate(IPAddress.Parse("10.1.2.3"), host, 443, user);

        Assert.Equal((allowed, rule, couldAllow), (decision.Allowed, decision.Rule, decision.AuthenticationCouldAllow));
    }

    [Fact]
    public void UsersAreReadStrictly()
    {
        var (policy, errors) = AccessPolicy.Parse("""
            { "rules": [
              { "name": "a", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "users": [] },
              { "name": "b", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "users": ["al*ce@CORP.EXAMPLE"] },
              { "name": "c", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "user": ["alice"] }
            ] }
            """, "p.json");

        Assert.Null(policy);
        Assert.Contains("p.json:2:101: 'users' must not be empty", errors);
        Assert.Contains(errors, e => e.StartsWith("p.json:3:", StringComparison.Ordinal) && e.Contains("user 'al*ce@CORP.EXAMPLE' is not NAME", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("p.json:4:", StringComparison.Ordinal) && e.Contains("unknown key 'user'; did you mean 'users'?", StringComparison.Ordinal));
    }

    [Fact]
    public void ARuleForEveryoneHidesALaterRuleForSomeButNotTheOtherWayRound()
    {
        var (_, errors) = AccessPolicy.Parse("""
            { "rules": [
              { "name": "realm", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "users": ["*@CORP.EXAMPLE"] },
              { "name": "alice", "action": "deny", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "users": ["alice@corp.example"] },
              { "name": "anyone", "action": "deny", "sources": ["10.0.0.0/8"], "destinations": ["x.test"] },
              { "name": "bob", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["x.test"], "users": ["bob@OTHER.EXAMPLE"] }
            ] }
            """, "p.json");

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("rule 'alice' can never match: rule 'realm'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rule 'bob' can never match: rule 'anyone'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, false, true, "")]
    [InlineData(false, true, true, "rule 'staff' names users, but port 443 is served only by the TLS listener")]
    [InlineData(false, false, true, "rule 'staff' names users, but port 443 is served only by the TLS listener")]
    [InlineData(true, false, false, "rule 'staff' names users, but neither --keytab")]
    public void WarnsAboutRulesWithUsersThatCanNeverMatch(bool connect, bool http, bool authentication, string warning)
    {
        var warnings = PolicyWarnings.Of(Policy, connect, http, authentication).ToList();

        if (warning.Length == 0)
        {
            Assert.Empty(warnings);
        }
        else
        {
            Assert.Contains(warnings, w => w.StartsWith(warning, StringComparison.Ordinal));
        }
    }
}
