using System.Globalization;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// A keytab shared with other services (an AD host's holds host/ and cifs/ keys beside HTTP/): the proxy takes
/// tickets only for its own principal, <c>--spn</c>, or any <c>HTTP/</c> one when it is not set, and refuses a ticket
/// for another principal of the same keytab with GSSAPI's reason.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AcceptorNameTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private KerberosRealm _realm = null!;
    private LoopbackS3 _s3 = null!;
    private string _keytab = null!;
    private string _policy = null!;

    public async Task InitializeAsync()
    {
        _realm = await KerberosRealm.StartAsync([("alice", "alice-password")], ["HTTP/localhost", "HTTP/other.example", "host/fileserver.corp.example"]);
        _keytab = await _realm.KeytabAsync("HTTP/localhost", "HTTP/other.example", "host/fileserver.corp.example");
        _s3 = await LoopbackS3.StartAsync(_directory);
        _policy = _directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "alice", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"],
                "ports": [{{_s3.Origin.TlsPort}}], "users": ["alice@CORP.EXAMPLE"] }
            ] }
            """);
    }

    [Fact]
    public async Task WithoutSpnOnlyHttpPrincipalsOfTheKeytabAreAccepted()
    {
        using var proxy = await ProxyProcess.StartAsync(_policy, _s3.Resolver.Port, _s3.Origin, ["--keytab", _keytab], _realm.Environment);
        var alice = await _realm.LoginAsync("alice", "alice-password");

        var http = await ConnectAsync(proxy, "http-principal", (await NegotiateExchange.TokensAsync(alice, "HTTP/localhost", 1))[0]);
        var host = await ConnectAsync(proxy, "host-principal", (await NegotiateExchange.TokensAsync(alice, "host/fileserver.corp.example", 1))[0]);

        Assert.StartsWith("HTTP/1.1 200 ", http, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 407 ", host, StringComparison.Ordinal);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"dest=host-principal\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Negotiate: [^""]*host/fileserver\.corp\.example", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    [Fact]
    public async Task WithSpnAnotherHttpPrincipalOfTheKeytabIsRefused()
    {
        using var proxy = await ProxyProcess.StartAsync(_policy, _s3.Resolver.Port, _s3.Origin, ["--keytab", _keytab, "--spn", "HTTP/localhost"], _realm.Environment);
        var alice = await _realm.LoginAsync("alice", "alice-password");

        var own = await ConnectAsync(proxy, "own-principal", (await NegotiateExchange.TokensAsync(alice, "HTTP/localhost", 1))[0]);
        var other = await ConnectAsync(proxy, "other-principal", (await NegotiateExchange.TokensAsync(alice, "HTTP/other.example", 1))[0]);

        Assert.StartsWith("HTTP/1.1 200 ", own, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 407 ", other, StringComparison.Ordinal);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"dest=other-principal\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Negotiate: [^""]*HTTP/other\.example", TimeSpan.FromSeconds(10)), proxy.Output);
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
