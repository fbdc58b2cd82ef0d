using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Telemetry;
using Endpoints.Proxy.Tunneling;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>The header, its scheme and size, the failure limit, and how each outcome answers on the wire.</summary>
public sealed class ProxyAuthenticatorTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ProxyMetrics _metrics;
    private readonly FakeTimeProvider _time = new();
    private readonly ProxyAuthenticator _auth;
    private readonly UsersStore _users;

    public ProxyAuthenticatorTests()
    {
        _users = new UsersStore(_directory.Write("users", $"svc:{PasswordHash.Create("right")}\n"), NullLogger<UsersStore>.Instance);
        _users.Reload("start");
        _metrics = new ProxyMetrics(_services.GetRequiredService<IMeterFactory>());
        var failures = new FailureLimiter(_time);
        _auth = new ProxyAuthenticator([new BasicAuthenticator(_users, _time, failures, "Corp proxy", allowedInClear: false)], failures, _metrics);
    }

    [Theory]
    [InlineData("Basic", AuthOutcome.Malformed, 400)]
    [InlineData("Basic a b", AuthOutcome.Malformed, 400)]
    [InlineData("Basic !!!!", AuthOutcome.Malformed, 400)]
    [InlineData("Digest username=\"svc\"", AuthOutcome.UnknownScheme, 407)]
    [InlineData("NTLM TlRMTVNTUAABAAAA", AuthOutcome.UnknownScheme, 407)]
    [InlineData("Negotiate YIIC", AuthOutcome.UnknownScheme, 407)]
    [InlineData("Basic c3ZjOmd1ZXNzMTIz", AuthOutcome.Failed, 407)]
    [InlineData("basic c3ZjOnJpZ2h0", AuthOutcome.Authenticated, 0)]
    public async Task EachHeaderComesToOneOutcome(string header, AuthOutcome outcome, int status)
    {
        var result = await _auth.AuthenticateAsync(header, Client, secure: true);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(status, Refusal.Of(result.Outcome) is { } refusal ? Refusal.Of(refusal).Status : 0);
        Assert.DoesNotContain("guess123", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialsOver64KiBAreNotDecoded()
    {
        var result = await _auth.AuthenticateAsync("Basic " + new string('A', ProxyAuthenticator.MaxCredentialsLength + 4), Client, secure: true);

        Assert.Equal(AuthOutcome.TooLarge, result.Outcome);
    }

    [Fact]
    public async Task NoHeaderIsAnonymousAndTheChallengeNamesOnlyBasic()
    {
        Assert.Equal(AuthOutcome.Anonymous, (await _auth.AuthenticateAsync(null, Client, secure: true)).Outcome);
        Assert.Equal("Proxy-Authenticate: Basic realm=\"Corp proxy\", charset=\"UTF-8\"\r\n", _auth.Challenges(secure: true));
    }

    [Fact]
    public async Task AfterTenFailuresEvenTheRightPasswordIsNotCheckedForAMinute()
    {
        var wrong = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc:wrong"));
        var right = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc:right"));
        for (var i = 0; i < 9; i++)
        {
            Assert.DoesNotContain("refused for a minute", (await _auth.AuthenticateAsync(wrong, Client, secure: true)).Reason, StringComparison.Ordinal);
        }

        Assert.Contains("10.1.2.3 is refused for a minute", (await _auth.AuthenticateAsync(wrong, Client, secure: true)).Reason, StringComparison.Ordinal);
        Assert.Equal(AuthOutcome.RateLimited, (await _auth.AuthenticateAsync(right, Client, secure: true)).Outcome);
        Assert.Equal(AuthOutcome.Authenticated, (await _auth.AuthenticateAsync(right, IPAddress.Parse("10.1.2.4"), secure: true)).Outcome);
        _time.Advance(FailureLimiter.Window);
        Assert.True((await _auth.AuthenticateAsync(right, Client, secure: true)).Succeeded);
    }

    /// <summary>Basic on a plaintext listener: refused before any check (the password is already in clear), and not offered in the challenge.</summary>
    [Fact]
    public async Task BasicOnAPlaintextListenerIsRefusedUnlessAllowed()
    {
        var right = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc:right"));

        var refused = await _auth.AuthenticateAsync(right, Client, secure: false);

        Assert.Equal(AuthOutcome.Plaintext, refused.Outcome);
        Assert.Equal(407, Refusal.Of(Refusal.Of(refused.Outcome)!.Value).Status);
        Assert.StartsWith("Basic over a plaintext listener is refused", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _auth.Challenges(secure: false));
        Assert.False(_auth.Offers(secure: false));

        var failures = new FailureLimiter(_time);
        using var allowing = new ProxyAuthenticator([new BasicAuthenticator(_users, _time, failures, "Corp proxy", allowedInClear: true)], failures, _metrics);
        Assert.Equal(AuthOutcome.Authenticated, (await allowing.AuthenticateAsync(right, Client, secure: false)).Outcome);
        Assert.Contains("Basic realm", allowing.Challenges(secure: false), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _auth.Dispose();
        _metrics.Dispose();
        _services.Dispose();
        _directory.Dispose();
    }
}
