namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// A keytab shared with other services (an AD host's holds host/ and cifs/ keys beside HTTP/): the proxy takes
/// tickets only for its own principal, <c>--spn</c>, or any <c>HTTP/</c> one when it is not set, and refuses a ticket
/// for another principal of the same keytab with GSSAPI's reason.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AcceptorNameTests : IAsyncLifetime
{
    private KerberosTestBed _bed = null!;
    private string _keytab = null!;

    public async Task InitializeAsync()
    {
        _bed = await KerberosTestBed.StartAsync("HTTP/localhost", "HTTP/other.example", "host/fileserver.corp.example");
        _keytab = await _bed.Realm.KeytabAsync("HTTP/localhost", "HTTP/other.example", "host/fileserver.corp.example");
    }

    [Fact]
    public async Task WithoutSpnOnlyHttpPrincipalsOfTheKeytabAreAccepted()
    {
        using var proxy = await _bed.StartProxyAsync("--keytab", _keytab);

        var http = await _bed.ConnectAsync(proxy, "http-principal", (await _bed.TokensAsync("HTTP/localhost", 1))[0]);
        var host = await _bed.ConnectAsync(proxy, "host-principal", (await _bed.TokensAsync("host/fileserver.corp.example", 1))[0]);

        Assert.StartsWith("HTTP/1.1 200 ", http, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 407 ", host, StringComparison.Ordinal);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"dest=host-principal\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Negotiate: [^""]*host/fileserver\.corp\.example", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    [Fact]
    public async Task WithSpnAnotherHttpPrincipalOfTheKeytabIsRefused()
    {
        using var proxy = await _bed.StartProxyAsync("--keytab", _keytab, "--spn", "HTTP/localhost");

        var own = await _bed.ConnectAsync(proxy, "own-principal", (await _bed.TokensAsync("HTTP/localhost", 1))[0]);
        var other = await _bed.ConnectAsync(proxy, "other-principal", (await _bed.TokensAsync("HTTP/other.example", 1))[0]);

        Assert.StartsWith("HTTP/1.1 200 ", own, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 407 ", other, StringComparison.Ordinal);
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"dest=other-principal\.s3\.amazonaws\.com:\d+ decision=deny rule=- reason=""Negotiate: [^""]*HTTP/other\.example", TimeSpan.FromSeconds(10)), proxy.Output);
    }

    public Task DisposeAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }
}
