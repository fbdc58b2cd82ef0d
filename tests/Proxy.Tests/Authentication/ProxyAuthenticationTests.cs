using System.Globalization;
using System.Net;
using System.Text;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// Kerberos and Basic through the real proxy, with an MIT KDC, curl, and .NET's HttpClient as clients. Each test
/// asks for a bucket of its own, so the log line it looks for is one only it can cause.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProxyAuthenticationTests(AuthProxyFixture fixture) : IClassFixture<AuthProxyFixture>
{
    [Fact]
    public async Task AliceWithATicketReachesHerBucketAndIsLoggedByName()
    {
        var alice = await fixture.Realm.LoginAsync("alice", "alice-password");

        var (exit, output) = await fixture.CurlAsync(alice, "--proxy-negotiate", "-U", ":", fixture.Bucket("alice-bucket"));

        Assert.True(exit == 0, output);
        Assert.Contains("origin host=alice-bucket.s3.amazonaws.com", output, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(
            @"dest=alice-bucket\.s3\.amazonaws\.com:\d+ \([^)]+\) decision=allow rule=named-users .* user=alice@CORP\.EXAMPLE", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
        Assert.Contains("scheme=\"negotiate\"", await MetricLinesAsync("proxy_auth_total", "outcome=\"success\""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BobAuthenticatesButNoRuleAllowsHim403()
    {
        var bob = await fixture.Realm.LoginAsync("bob", "bob-password");

        var (exit, output) = await fixture.CurlAsync(bob, "--proxy-negotiate", "-U", ":", fixture.Bucket("bob-bucket"));

        Assert.NotEqual(0, exit);
        Assert.Contains("CONNECT 403", output, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(@"dest=bob-bucket\.s3\.amazonaws\.com:\d+ decision=deny .* user=bob@CORP\.EXAMPLE", TimeSpan.FromSeconds(10)),
            fixture.Proxy.Output);
    }

    [Fact]
    public async Task NoCredentialsGet407WithTheConfiguredChallenges()
    {
        var response = await ConnectAsync("anonymous-bucket", authorization: null);

        Assert.StartsWith("HTTP/1.1 407 Proxy Authentication Required\r\n", response, StringComparison.Ordinal);
        Assert.Contains("\r\nProxy-Authenticate: Negotiate\r\n", response, StringComparison.Ordinal);
        Assert.Contains("\r\nProxy-Authenticate: Basic realm=\"Endpoints proxy\", charset=\"UTF-8\"\r\n", response, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(
            @"dest=anonymous-bucket\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""authentication required", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task HttpClientWithDefaultProxyCredentialsAuthenticatesWithTheTicketCache()
    {
        var alice = await fixture.Realm.LoginAsync("alice", "alice-password");
        alice["HTTPS_PROXY"] = fixture.ProxyUrl;
        alice["SSL_CERT_FILE"] = fixture.Certificates.CaFile;

        var (_, output) = await Tools.RunWithEnvironmentAsync(alice, "dotnet", BuiltProgram.TestTool("NegotiateClient"), "get", fixture.Bucket("httpclient-bucket"));

        Assert.Contains("STATUS 200", output, StringComparison.Ordinal);
        Assert.Contains("origin host=httpclient-bucket.s3.amazonaws.com", output, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(@"dest=httpclient-bucket\.s3\.amazonaws\.com:\d+ \([^)]+\) decision=allow .* user=alice@CORP\.EXAMPLE",
            TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task ATicketForAnotherServiceIsRefusedWith407()
    {
        var alice = await fixture.Realm.LoginAsync("alice", "alice-password");
        var token = await TokensAsync(alice, "HTTP/other.example", 1);

        var response = await ConnectAsync("other-service-bucket", $"Negotiate {token[0]}");

        Assert.StartsWith("HTTP/1.1 407 ", response, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(
            @"dest=other-service-bucket\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Negotiate: Request ticket server HTTP/other\.example@CORP\.EXAMPLE not found in keytab", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task AClientAskingForMutualAuthenticationCompletesWithTheProxysFinalToken()
    {
        var alice = await fixture.Realm.LoginAsync("alice", "alice-password");
        var target = $"mutual-bucket.s3.amazonaws.com:{fixture.Origin.TlsPort.ToString(CultureInfo.InvariantCulture)}";

        var (exit, output) = await Tools.RunWithEnvironmentAsync(alice, "dotnet", BuiltProgram.TestTool("NegotiateClient"), "connect", "HTTP/localhost",
            fixture.Proxy.ConnectPort.ToString(CultureInfo.InvariantCulture), target);

        // GSSAPI's SPNEGO on the client side checks the proxy's NegTokenResp and, inside it, the Kerberos AP-REP.
        Assert.True(exit == 0, output);
        Assert.Contains("STATUS 200 Completed authenticated=True", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplayedTokenIsRefused()
    {
        var alice = await fixture.Realm.LoginAsync("alice", "alice-password");
        var token = (await TokensAsync(alice, "HTTP/localhost", 1))[0];

        var first = await ConnectAsync("replay-bucket", $"Negotiate {token}");
        var second = await ConnectAsync("replay-bucket", $"Negotiate {token}");

        Assert.StartsWith("HTTP/1.1 200 ", first, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 407 ", second, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(
            @"dest=replay-bucket\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Negotiate: Request is a replay", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task BasicWithTheRightPasswordPassesAndAWrongOneGets407WithoutLoggingIt()
    {
        var (rightExit, right) = await fixture.CurlAsync(null, "-U", $"svc-backup:{AuthProxyFixture.BackupPassword}", fixture.Bucket("backup-bucket"));
        var (wrongExit, wrong) = await fixture.CurlAsync(null, "-U", "svc-backup:guess-number-one", fixture.Bucket("guessed-bucket"));

        Assert.True(rightExit == 0, right);
        Assert.Contains("origin host=backup-bucket.s3.amazonaws.com", right, StringComparison.Ordinal);
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("CONNECT 407", wrong, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(@"dest=backup-bucket\.s3\.amazonaws\.com:\d+ \([^)]+\) decision=allow .* user=svc-backup", TimeSpan.FromSeconds(10)));
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(
            @"dest=guessed-bucket\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Basic: wrong password for 'svc-backup'", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
        Assert.DoesNotContain("guess-number-one", fixture.Proxy.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthProxyFixture.BackupPassword, fixture.Proxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostModeTakesCredentialsAndNeverPassesThemToTheOrigin()
    {
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"svc-backup:{AuthProxyFixture.BackupPassword}"));

        var anonymous = await HostModeAsync("GET /a HTTP/1.1\r\nHost: plain-bucket.s3.amazonaws.com\r\n\r\n");
        var authenticated = await HostModeAsync($"GET /b HTTP/1.1\r\nHost: plain-bucket.s3.amazonaws.com\r\nProxy-Authorization: Basic {credentials}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 407 ", anonymous, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", authenticated, StringComparison.Ordinal);
        Assert.Contains("origin host=plain-bucket.s3.amazonaws.com path=/b connection=close proxy-authorization=no", authenticated, StringComparison.Ordinal);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(@"mode=http dest=plain-bucket\.s3\.amazonaws\.com:80 \([^)]+\) decision=allow .* user=svc-backup",
            TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task TenFailuresInAMinuteGet429ForThatSourceOnly()
    {
        // A source of its own on loopback, so the block cannot touch the other tests' connections from 127.0.0.1.
        var source = IPAddress.Parse("127.0.0.29");
        var wrong = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc-backup:not-it"));
        var right = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"svc-backup:{AuthProxyFixture.BackupPassword}"));

        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await ConnectAsync("limited-bucket", wrong, source));
        }

        var eleventh = await ConnectAsync("limited-bucket", right, source);
        var elsewhere = await ConnectAsync("unlimited-bucket", right);

        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 407 ", a, StringComparison.Ordinal));
        Assert.StartsWith("HTTP/1.1 429 Too Many Requests\r\n", eleventh, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", elsewhere, StringComparison.Ordinal);
        // The log line is written by the logger's own thread, after the 407 went out: waited for, not read at once.
        Assert.True(await fixture.Proxy.Process.WaitForOutputAsync("127.0.0.29 is refused for a minute", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
        Assert.Contains("outcome=\"rate-limited\"", await MetricLinesAsync("proxy_auth_total", "scheme=\"basic\""), StringComparison.Ordinal);
    }

    private static Task<string[]> TokensAsync(IDictionary<string, string> environment, string service, int count) =>
        NegotiateExchange.TokensAsync(environment, service, count);

    /// <summary>Sends one CONNECT from <paramref name="source"/> (127.0.0.1 unless given); the proxy's answer head, or all it sent.</summary>
    private Task<string> ConnectAsync(string bucket, string? authorization, IPAddress? source = null) =>
        NegotiateExchange.ConnectAsync(fixture.Proxy.ConnectPort, $"{bucket}.s3.amazonaws.com:{fixture.Origin.TlsPort.ToString(CultureInfo.InvariantCulture)}", authorization, source);

    /// <summary>One request to the Host-mode listener; everything the proxy sent back until it closed.</summary>
    private Task<string> HostModeAsync(string request) => RawHttp.ExchangeAsync(fixture.Proxy.HttpPort, Encoding.ASCII.GetBytes(request));

    private async Task<string> MetricLinesAsync(string name, string containing)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{fixture.Proxy.HealthPort.ToString(CultureInfo.InvariantCulture)}/metrics"));
        return string.Join('\n', text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(containing, StringComparison.Ordinal)));
    }
}
