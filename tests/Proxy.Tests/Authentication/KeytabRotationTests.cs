using System.Globalization;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// The proxy holds its keytab's keys in memory: a rotated key (a new version added to the file, as msktutil or a
/// new ktpass export does) counts without a restart, and a keytab file that cannot be read keeps the keys in service.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeytabRotationTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private KerberosRealm _realm = null!;
    private LoopbackS3 _s3 = null!;
    private string _keytab = null!;
    private string _policy = null!;

    public async Task InitializeAsync()
    {
        _realm = await KerberosRealm.StartAsync([("alice", "alice-password")], ["HTTP/localhost"]);
        _keytab = await _realm.KeytabAsync("HTTP/localhost");
        _s3 = await LoopbackS3.StartAsync(_directory);
        _policy = _directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "alice", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"],
                "ports": [{{_s3.Origin.TlsPort}}], "users": ["alice@CORP.EXAMPLE"] }
            ] }
            """);
    }

    [Fact]
    public async Task ARotatedKeyCountsWithoutARestartAndTheOldOneStillDoes()
    {
        using var proxy = await ProxyProcess.StartAsync(_policy, _s3.Resolver.Port, _s3.Origin, ["--keytab", _keytab], _realm.Environment);
        var before = await NegotiateExchange.TokensAsync(await _realm.LoginAsync("alice", "alice-password"), "HTTP/localhost", 1);

        // ktadd gives the service a new key (the next version) in the KDC and adds it to the file beside the old one.
        await _realm.KeytabAsync("HTTP/localhost");
        Assert.True(await proxy.Process.WaitForMatchAsync(@"Keytab \S+ loaded \(files changed\): \d+ keys", TimeSpan.FromSeconds(15)), proxy.Output);
        var after = await NegotiateExchange.TokensAsync(await _realm.LoginAsync("alice", "alice-password"), "HTTP/localhost", 1);

        Assert.StartsWith("HTTP/1.1 200 ", await ConnectAsync(proxy, "rotated-key", after[0]), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", await ConnectAsync(proxy, "previous-key", before[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeytabThatCannotBeReadKeepsTheKeysInService()
    {
        using var proxy = await ProxyProcess.StartAsync(_policy, _s3.Resolver.Port, _s3.Origin, ["--keytab", _keytab], _realm.Environment);
        var tokens = await NegotiateExchange.TokensAsync(await _realm.LoginAsync("alice", "alice-password"), "HTTP/localhost", 1);

        await File.WriteAllTextAsync(_keytab, "not a keytab\n");
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"Keytab \S+ not loaded \(files changed\), keeping the keys in service: keytab \S+: .*version", TimeSpan.FromSeconds(15)), proxy.Output);

        Assert.StartsWith("HTTP/1.1 200 ", await ConnectAsync(proxy, "kept-keys", tokens[0]), StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        _s3.Dispose();
        _realm.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private Task<string> ConnectAsync(ProxyProcess proxy, string bucket, string token) =>
        NegotiateExchange.ConnectAsync(proxy.ConnectPort, $"{bucket}.s3.amazonaws.com:{_s3.Origin.TlsPort.ToString(CultureInfo.InvariantCulture)}", $"Negotiate {token}");
}
