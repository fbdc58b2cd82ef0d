using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Tests.Authentication;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.TlsToProxy;

/// <summary>
/// TLS to the proxy (<c>--connect-tls</c>, Squid's <c>https_port</c>): Basic passwords travel only inside it, curl and
/// .NET's HttpClient reach a bucket through it, a renewed certificate is served without a restart, and garbage on its
/// port costs one log line. On the plain CONNECT listener Basic is refused with a 407 that says why.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TlsToProxyTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";

    private readonly TempDirectory _directory = new();
    private TestCertificates _originCertificates = null!;
    private TestCertificates _proxyCertificates = null!;
    private OriginServer _origin = null!;
    private DnsServerProcess _resolver = null!;
    private ProxyProcess _proxy = null!;
    private string _certificate = null!;
    private string _key = null!;
    private int _tlsPort;
    private string _users = null!;

    public async Task InitializeAsync()
    {
        _originCertificates = new TestCertificates(_directory.Path, "s3.amazonaws.com", "*.s3.amazonaws.com");
        var proxyFiles = Directory.CreateDirectory(_directory.File("proxy-tls")).FullName;
        _proxyCertificates = new TestCertificates(proxyFiles, "localhost");
        (_certificate, _key) = _proxyCertificates.WritePem(proxyFiles);
        _origin = new OriginServer(_originCertificates.Server);
        var zones = Directory.CreateDirectory(_directory.File("zones")).FullName;
        File.WriteAllText(Path.Combine(zones, "s3.amazonaws.com.zone"), "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\n");
        _resolver = await DnsServerProcess.StartAsync(zones);
        _users = _directory.Write("users", $"svc-backup:{PasswordHash.Create(Password)}\n");
        var policy = _directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "backup", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"],
                "ports": [{{_origin.TlsPort}}], "users": ["svc-backup"] }
            ] }
            """);
        _proxy = await ProxyProcess.StartAsync(
            policy, _resolver.Port, _origin, ["--users", _users, "--connect-tls", "127.0.0.1:0", "--connect-tls-cert", _certificate, "--connect-tls-key", _key]);
        Assert.True(await _proxy.Process.WaitForOutputAsync("Listening for connect-tls on", TimeSpan.FromSeconds(10)), _proxy.Output);
        _tlsPort = _proxy.Process.BoundPort("Listening for connect-tls on");
    }

    [Fact]
    public async Task CurlThroughTheTlsListenerWithBasicReachesTheBucket()
    {
        var (exit, output) = await CurlAsync(_proxyCertificates.CaFile, "curl-bucket");

        Assert.True(exit == 0, output);
        Assert.Contains("CONNECT 200", output, StringComparison.Ordinal);
        Assert.Contains("origin host=curl-bucket.s3.amazonaws.com", output, StringComparison.Ordinal);
        Assert.True(await _proxy.Process.WaitForMatchAsync(
            @"mode=connect-tls dest=curl-bucket\.s3\.amazonaws\.com:\d+ \([^)]+\) decision=allow .* user=svc-backup", TimeSpan.FromSeconds(10)), _proxy.Output);
    }

    [Fact]
    public async Task HttpClientThroughTheTlsListenerWithBasicReachesTheBucket()
    {
        // Both CAs, the proxy's and the origin's, as the client's trusted roots.
        var trust = Directory.CreateDirectory(_directory.File("trust")).FullName;
        File.Copy(_originCertificates.CaFile, Path.Combine(trust, "origin.pem"));
        File.Copy(_proxyCertificates.CaFile, Path.Combine(trust, "proxy.pem"));
        var environment = new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = $"https://svc-backup:{Uri.EscapeDataString(Password)}@localhost:{_tlsPort.ToString(CultureInfo.InvariantCulture)}",
            ["SSL_CERT_DIR"] = trust,
            ["SSL_CERT_FILE"] = "/dev/null",
        };

        var (_, output) = await Tools.RunWithEnvironmentAsync(environment, "dotnet", BuiltProgram.TestTool("NegotiateClient"), "get", Bucket("httpclient-tls-bucket"));

        Assert.True(output.Contains("STATUS 200", StringComparison.Ordinal), output + _proxy.Output);
        Assert.True(await _proxy.Process.WaitForMatchAsync(
            @"mode=connect-tls dest=httpclient-tls-bucket\.s3\.amazonaws\.com:\d+ \([^)]+\) decision=allow .* user=svc-backup", TimeSpan.FromSeconds(10)), _proxy.Output);
    }

    [Fact]
    public async Task BasicOnThePlainListenerGets407SayingWhyAndNoBasicChallenge()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"svc-backup:{Password}"));

        var response = await NegotiateExchange.ConnectAsync(
            _proxy.ConnectPort, $"plain-bucket.s3.amazonaws.com:{_origin.TlsPort.ToString(CultureInfo.InvariantCulture)}", basic);

        Assert.StartsWith("HTTP/1.1 407 ", response, StringComparison.Ordinal);
        Assert.DoesNotContain("Basic realm", response, StringComparison.Ordinal);
        Assert.True(await _proxy.Process.WaitForMatchAsync(
            @"mode=connect dest=plain-bucket\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Basic over a plaintext listener is refused", TimeSpan.FromSeconds(10)), _proxy.Output);
    }

    [Fact]
    public async Task PlaintextOnTheTlsPortIsOneLineAndOthersAreStillServed()
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, _tlsPort);
            await socket.SendAsync("CONNECT garbage-bucket.s3.amazonaws.com:443 HTTP/1.1\r\n\r\n"u8.ToArray());
            var buffer = new byte[1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }

        Assert.True(await _proxy.Process.WaitForMatchAsync(
            @"mode=connect-tls dest=- decision=deny rule=- reason=""TLS handshake failed: [^""]+"" .* end=tls-handshake", TimeSpan.FromSeconds(10)), _proxy.Output);
        var (exit, output) = await CurlAsync(_proxyCertificates.CaFile, "after-garbage-bucket");
        Assert.True(exit == 0 && output.Contains("CONNECT 200", StringComparison.Ordinal), output);
    }

    /// <summary>A renewal replaces the files: the next handshake presents the new certificate, no restart.</summary>
    [Fact]
    public async Task ARenewedCertificateIsServedWithoutRestart()
    {
        var renewedFiles = Directory.CreateDirectory(_directory.File("renewed")).FullName;
        using var renewed = new TestCertificates(renewedFiles, "localhost");
        var (certificate, key) = renewed.WritePem(renewedFiles);
        File.Copy(key, _key, overwrite: true);
        File.Copy(certificate, _certificate, overwrite: true);

        Assert.True(await _proxy.Process.WaitForMatchAsync(@"Certificate loaded from .*proxy\.crt \(files changed\)", TimeSpan.FromSeconds(10)), _proxy.Output);
        var (exit, output) = await CurlAsync(renewed.CaFile, "renewed-bucket");
        Assert.True(exit == 0 && output.Contains("CONNECT 200", StringComparison.Ordinal), output);
        var (oldExit, _) = await CurlAsync(_proxyCertificates.CaFile, "old-ca-bucket");
        Assert.NotEqual(0, oldExit);
    }

    /// <summary>Behind HAProxy sending PROXY v2 (before the TLS): the policy and the log see the client's address.</summary>
    [Fact]
    public async Task BehindHaproxyThePolicySeesTheClientAddressFromTheHeader()
    {
        var policy = _directory.Write("lb-policy.json", $$"""
            { "rules": [
              { "name": "corporate", "action": "allow", "sources": ["10.20.30.0/24"], "destinations": ["*.s3.amazonaws.com"],
                "ports": [{{_origin.TlsPort}}], "users": ["svc-backup"] }
            ] }
            """);
        using var proxy = await ProxyProcess.StartAsync(policy, _resolver.Port, _origin,
            ["--users", _users, "--connect-tls", "127.0.0.1:0", "--connect-tls-cert", _certificate, "--connect-tls-key", _key, "--proxy-protocol-from", "127.0.0.1/32"]);
        Assert.True(await proxy.Process.WaitForOutputAsync("Listening for connect-tls on", TimeSpan.FromSeconds(10)), proxy.Output);
        using var haproxy = await HaproxyProcess.StartAsync(proxy.Process.BoundPort("Listening for connect-tls on"), "10.20.30.40");

        var (exit, output) = await CurlAsync(_proxyCertificates.CaFile, "lb-bucket", haproxy.Ports["10.20.30.40"]);

        Assert.True(exit == 0 && output.Contains("CONNECT 200", StringComparison.Ordinal), output + proxy.Output);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"client=10\.20\.30\.40:\d+ mode=connect-tls dest=lb-bucket\.s3\.amazonaws\.com:\d+ \S+ decision=allow rule=corporate .* user=svc-backup", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    public Task DisposeAsync()
    {
        _proxy.Dispose();
        _resolver.Dispose();
        _origin.Dispose();
        _proxyCertificates.Dispose();
        _originCertificates.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private string Bucket(string name) => $"https://{name}.s3.amazonaws.com:{_origin.TlsPort.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>curl with <c>-x https://</c>: TLS to the proxy checked against <paramref name="proxyCa"/>, Basic inside it.</summary>
    private Task<(int ExitCode, string Output)> CurlAsync(string proxyCa, string bucket, int? proxyPort = null) =>
        Tools.RunWithEnvironmentAsync(null, "curl",
        [
            "-sS", "--max-time", "20", "--cacert", _originCertificates.CaFile, "-x", $"https://localhost:{(proxyPort ?? _tlsPort).ToString(CultureInfo.InvariantCulture)}",
            "--proxy-cacert", proxyCa, "--proxy-user", $"svc-backup:{Password}", "-w", "\nCONNECT %{http_connect}\n", Bucket(bucket),
        ]);
}
