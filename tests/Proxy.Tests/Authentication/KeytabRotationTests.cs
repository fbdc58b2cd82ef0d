namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// The proxy holds its keytab's keys in memory: a rotated key (a new version added to the file, as msktutil or a
/// new ktpass export does) counts without a restart, and a keytab file that cannot be read keeps the keys in service.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeytabRotationTests : IAsyncLifetime
{
    private KerberosTestBed _bed = null!;
    private string _keytab = null!;

    public async Task InitializeAsync()
    {
        _bed = await KerberosTestBed.StartAsync("HTTP/localhost");
        _keytab = await _bed.Realm.KeytabAsync("HTTP/localhost");
    }

    [Fact]
    public async Task ARotatedKeyCountsWithoutARestartAndTheOldOneStillDoes()
    {
        using var proxy = await _bed.StartProxyAsync("--keytab", _keytab);
        var before = await _bed.TokensAsync("HTTP/localhost", 1);

        // ktadd gives the service a new key (the next version) in the KDC and adds it to the file beside the old one.
        await _bed.Realm.KeytabAsync("HTTP/localhost");
        Assert.True(await proxy.Process.WaitForMatchAsync(@"Keytab \S+ loaded \(files changed\): \d+ keys", TimeSpan.FromSeconds(15)), proxy.Output);
        var after = await _bed.TokensAsync("HTTP/localhost", 1);

        Assert.StartsWith("HTTP/1.1 200 ", await _bed.ConnectAsync(proxy, "rotated-key", after[0]), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", await _bed.ConnectAsync(proxy, "previous-key", before[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeytabThatCannotBeReadKeepsTheKeysInService()
    {
        using var proxy = await _bed.StartProxyAsync("--keytab", _keytab);
        var tokens = await _bed.TokensAsync("HTTP/localhost", 1);

        await File.WriteAllTextAsync(_keytab, "not a keytab\n");
        Assert.True(await proxy.Process.WaitForMatchAsync(
            @"Keytab \S+ not loaded \(files changed\), keeping the keys in service: keytab \S+: .*version", TimeSpan.FromSeconds(15)), proxy.Output);

        Assert.StartsWith("HTTP/1.1 200 ", await _bed.ConnectAsync(proxy, "kept-keys", tokens[0]), StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }
}
