using System.Globalization;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// A realm with users alice and bob and the proxy's service HTTP/localhost (curl and .NET ask for HTTP/ + the
/// proxy's host name), a Basic account svc-backup, and the proxy with its keytab, the accounts file and a policy
/// that lets alice and svc-backup reach the buckets. bob authenticates but no rule allows him.
/// </summary>
public sealed class AuthProxyFixture : IAsyncLifetime
{
    public const string BackupPassword = "correct horse battery staple";

    public TempDirectory Directory { get; } = new();

    public KerberosRealm Realm { get; private set; } = null!;

    public TestCertificates Certificates { get; private set; } = null!;

    public OriginServer Origin { get; private set; } = null!;

    public DnsServerProcess Resolver { get; private set; } = null!;

    public ProxyProcess Proxy { get; private set; } = null!;

    /// <summary>The proxy's CONNECT address as clients name it: the host part picks the service ticket.</summary>
    public string ProxyUrl => $"http://localhost:{Proxy.ConnectPort.ToString(CultureInfo.InvariantCulture)}";

    public string Bucket(string name) => $"https://{name}.s3.amazonaws.com:{Origin.TlsPort.ToString(CultureInfo.InvariantCulture)}/";

    public async Task InitializeAsync()
    {
        Realm = await KerberosRealm.StartAsync([("alice", "alice-password"), ("bob", "bob-password")], ["HTTP/localhost", "HTTP/other.example"]);
        var keytab = await Realm.KeytabAsync("HTTP/localhost");
        var users = Directory.Write("users", $"# service accounts\nsvc-backup:{PasswordHash.Create(BackupPassword)}\n");
        Certificates = new TestCertificates(Directory.Path, "s3.amazonaws.com", "*.s3.amazonaws.com");
        Origin = new OriginServer(Certificates.Server);
        var zones = System.IO.Directory.CreateDirectory(Directory.File("zones")).FullName;
        File.WriteAllText(Path.Combine(zones, "s3.amazonaws.com.zone"), "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\n");
        Resolver = await DnsServerProcess.StartAsync(zones);
        var policy = Directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "named-users", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"],
                "ports": [{{Origin.TlsPort}}, 80], "users": ["alice@CORP.EXAMPLE", "svc-backup"] }
            ] }
            """);
        Proxy = await ProxyProcess.StartAsync(policy, Resolver.Port, Origin, ["--keytab", keytab, "--users", users, "--allow-basic-over-plaintext"], Realm.Environment);
    }

    /// <summary>curl through the proxy; <c>%{http_connect}</c> is the proxy's answer to CONNECT.</summary>
    public Task<(int ExitCode, string Output)> CurlAsync(IDictionary<string, string>? environment, params string[] arguments) =>
        Tools.RunWithEnvironmentAsync(environment, "curl", ["-sS", "--max-time", "20", "--cacert", Certificates.CaFile, "-x", ProxyUrl, "-w", "\nCONNECT %{http_connect}\n", .. arguments]);

    public Task DisposeAsync()
    {
        Proxy.Dispose();
        Resolver.Dispose();
        Origin.Dispose();
        Certificates.Dispose();
        Realm.Dispose();
        Directory.Dispose();
        return Task.CompletedTask;
    }
}
