using System.Text;
using Endpoints.Proxy.Authentication;
using Endpoints.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>The cache: a success is remembered for five minutes and for the accounts it was checked against; a failure never.</summary>
public sealed class BasicAuthenticatorTests : IDisposable
{
    private static readonly string Hash = PasswordHash.Create("right");
    private static readonly System.Net.IPAddress Client = System.Net.IPAddress.Parse("10.1.2.3");
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly UsersStore _users;
    private readonly BasicAuthenticator _basic;

    public BasicAuthenticatorTests()
    {
        _users = new UsersStore(_directory.Write("users", $"svc:{Hash}\n"), NullLogger<UsersStore>.Instance);
        Assert.True(_users.Reload("start"));
        _basic = new BasicAuthenticator(_users, _time, new FailureLimiter(_time), "Corp proxy", allowedInClear: false);
    }

    [Fact]
    public async Task ASuccessIsCachedForFiveMinutes()
    {
        Assert.Equal((AuthOutcome.Authenticated, "svc"), Outcome(await _basic.CheckAsync(Credentials("svc:right"), Client)));
        Assert.Equal((AuthOutcome.Cached, "svc"), Outcome(await _basic.CheckAsync(Credentials("svc:right"), Client)));

        _time.Advance(BasicAuthenticator.CacheLifetime);

        Assert.Equal((AuthOutcome.Authenticated, "svc"), Outcome(await _basic.CheckAsync(Credentials("svc:right"), Client)));
    }

    [Fact]
    public async Task FailuresAreNeverCachedAndUnknownAccountsFailAlike()
    {
        Assert.Equal((AuthOutcome.Failed, null), Outcome(await _basic.CheckAsync(Credentials("svc:wrong"), Client)));
        Assert.Equal((AuthOutcome.Failed, null), Outcome(await _basic.CheckAsync(Credentials("svc:wrong"), Client)));
        var unknown = await _basic.CheckAsync(Credentials("nobody:right"), Client);

        Assert.Equal(AuthOutcome.Failed, unknown.Outcome);
        Assert.Equal("Basic: no account 'nobody'", unknown.Reason);
    }

    [Fact]
    public async Task ReloadedAccountsAreCheckedAgain()
    {
        Assert.Equal(AuthOutcome.Authenticated, (await _basic.CheckAsync(Credentials("svc:right"), Client)).Outcome);

        File.WriteAllText(_directory.File("users"), $"other:{Hash}\n");
        Assert.True(_users.Reload("test"));

        Assert.Equal(AuthOutcome.Failed, (await _basic.CheckAsync(Credentials("svc:right"), Client)).Outcome);
    }

    /// <summary>A burst of guesses sent at once gets no more hashes than the same guesses sent one by one.</summary>
    [Fact]
    public async Task AHundredDifferentGuessesAtOnceRunAtMostTheLimitersHashes()
    {
        var hashed = 0;
        for (var burst = 0; burst < 10; burst++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => _basic.CheckAsync(Credentials($"svc:wrong-{burst}-{i}"), Client).AsTask()));
            hashed += results.Count(r => r.Outcome == AuthOutcome.Failed);
            Assert.Equal(100, results.Count(r => r.Outcome is AuthOutcome.Failed or AuthOutcome.RateLimited));
        }

        Assert.Equal(FailureLimiter.MaxFailures, hashed);
        Assert.Equal(AuthOutcome.RateLimited, (await _basic.CheckAsync(Credentials("svc:right"), Client)).Outcome);
        Assert.Equal(AuthOutcome.Authenticated, (await _basic.CheckAsync(Credentials("svc:right"), System.Net.IPAddress.Parse("10.9.9.9"))).Outcome);
    }

    /// <summary>A client opening many connections at once with its right password pays one hash, and none is refused.</summary>
    [Fact]
    public async Task TheSameCredentialsAtOnceShareOneHash()
    {
        var right = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _basic.CheckAsync(Credentials("svc:right"), Client).AsTask()));
        var wrong = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _basic.CheckAsync(Credentials("svc:wrong"), Client).AsTask()));

        Assert.All(right, r => Assert.True(r.Succeeded, r.Reason));
        Assert.All(wrong, r => Assert.Equal(AuthOutcome.Failed, r.Outcome));
        Assert.Equal(AuthOutcome.Cached, (await _basic.CheckAsync(Credentials("svc:right"), Client)).Outcome);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm8tY29sb24=")]
    public async Task CredentialsThatDoNotDecodeAreMalformed(string credentials)
    {
        Assert.Equal(AuthOutcome.Malformed, (await _basic.CheckAsync(credentials, Client)).Outcome);
    }

    public void Dispose()
    {
        _basic.Dispose();
        _directory.Dispose();
    }

    private static string Credentials(string pair) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));

    private static (AuthOutcome, string?) Outcome(AuthResult result) => (result.Outcome, result.User);
}
