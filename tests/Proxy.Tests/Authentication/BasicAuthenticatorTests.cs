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
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly UsersStore _users;
    private readonly BasicAuthenticator _basic;

    public BasicAuthenticatorTests()
    {
        _users = new UsersStore(_directory.Write("users", $"svc:{Hash}\n"), NullLogger<UsersStore>.Instance);
        Assert.True(_users.Reload("start"));
        _basic = new BasicAuthenticator(_users, _time);
    }

    [Fact]
    public async Task ASuccessIsCachedForFiveMinutes()
    {
        Assert.Equal((AuthOutcome.Authenticated, "svc"), Outcome(await _basic.CheckAsync(Credentials("svc:right"))));
        Assert.Equal((AuthOutcome.Cached, "svc"), Outcome(await _basic.CheckAsync(Credentials("svc:right"))));

        _time.Advance(BasicAuthenticator.CacheLifetime);

        Assert.Equal((AuthOutcome.Authenticated, "svc"), Outcome(await _basic.CheckAsync(Credentials("svc:right"))));
    }

    [Fact]
    public async Task FailuresAreNeverCachedAndUnknownAccountsFailAlike()
    {
        Assert.Equal((AuthOutcome.Failed, null), Outcome(await _basic.CheckAsync(Credentials("svc:wrong"))));
        Assert.Equal((AuthOutcome.Failed, null), Outcome(await _basic.CheckAsync(Credentials("svc:wrong"))));
        var unknown = await _basic.CheckAsync(Credentials("nobody:right"));

        Assert.Equal(AuthOutcome.Failed, unknown.Outcome);
        Assert.Equal("Basic: no account 'nobody'", unknown.Reason);
    }

    [Fact]
    public async Task ReloadedAccountsAreCheckedAgain()
    {
        Assert.Equal(AuthOutcome.Authenticated, (await _basic.CheckAsync(Credentials("svc:right"))).Outcome);

        File.WriteAllText(_directory.File("users"), $"other:{Hash}\n");
        Assert.True(_users.Reload("test"));

        Assert.Equal(AuthOutcome.Failed, (await _basic.CheckAsync(Credentials("svc:right"))).Outcome);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm8tY29sb24=")]
    public async Task CredentialsThatDoNotDecodeAreMalformed(string credentials)
    {
        Assert.Equal(AuthOutcome.Malformed, (await _basic.CheckAsync(credentials)).Outcome);
    }

    public void Dispose()
    {
        _basic.Dispose();
        _directory.Dispose();
    }

    private static string Credentials(string pair) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));

    private static (AuthOutcome, string?) Outcome(AuthResult result) => (result.Outcome, result.User);
}
