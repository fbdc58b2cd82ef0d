using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// A corporate alias for a bucket, served by a real upstream (BIND resolving, holding corp.example and a public
/// s3.amazonaws.com, so its answer carries the whole chain with S3's public address): the alias's chain enters our zone, and the client must get our load balancer, never the
/// upstream's public address, fresh and from the cache. BIND with the same zones, forwarding to the same upstream, is
/// the reference.
/// </summary>
[Trait("Category", "Integration")]
public sealed class UpstreamIntoOurZonesTests : IAsyncLifetime
{
    private readonly TempDirectory _upstreamZones = new();
    private readonly TempDirectory _ourZones = new();
    private ConfiguredProcess _upstream = null!;
    private ConfiguredProcess _reference = null!;
    private DnsServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _upstream = await NamedProcess.StartRecursiveAuthoritativeAsync(
        [
            ("corp.example", _upstreamZones.Write("corp.example.zone",
                "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\nfiles CNAME mybucket.s3.amazonaws.com.\n" +
                "lost CNAME missing.s3.amazonaws.com.\nchain CNAME files\n")),
            ("s3.amazonaws.com", _upstreamZones.Write("s3.zone",
                "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 52.216.0.53\nmybucket A 52.216.1.1\n")),
        ]);
        var zone = _ourZones.Write("s3.amazonaws.com.zone",
            "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.200.0.53\nmybucket A 10.200.0.10\nalias CNAME files.corp.example.\n");
        _reference = await NamedProcess.StartAuthoritativeForwarderAsync([("s3.amazonaws.com", zone)], _upstream.Port);
        _server = await DnsServerProcess.StartAsync(_ourZones.Path, [$"127.0.0.1:{_upstream.Port}"]);
    }

    [Theory]
    [InlineData("files.corp.example")]
    [InlineData("chain.corp.example")]
    [InlineData("alias.s3.amazonaws.com")]
    public async Task AnAliasForOurNameEndsAtTheLoadBalancerFreshAndCached(string alias)
    {
        var reference = await Dig.QueryAsync(_reference.Port, alias, "A");
        var fresh = await Dig.QueryAsync(_server.Port, alias, "A");
        var cached = await Dig.QueryAsync(_server.Port, alias, "A");

        Assert.True(reference.Answer.Any(r => r.EndsWith("IN A 10.200.0.10", StringComparison.Ordinal)), reference.Output);
        foreach (var answer in new[] { fresh, cached })
        {
            Assert.Equal("NOERROR", answer.Status);
            Assert.Equal(Names(reference.Answer), Names(answer.Answer));
            Assert.True(answer.Answer.Any(r => r.EndsWith("IN A 10.200.0.10", StringComparison.Ordinal)), answer.Output);
            Assert.DoesNotContain(answer.Answer, r => r.Contains("52.216.1.1", StringComparison.Ordinal));
        }
    }

    /// <summary>Our zone says the name does not exist: the client hears it from us, with our SOA, as from BIND.</summary>
    [Fact]
    public async Task AnAliasForANameOurZoneDeniesGetsOurNxdomain()
    {
        var reference = await Dig.QueryAsync(_reference.Port, "lost.corp.example", "A");
        var ours = await Dig.QueryAsync(_server.Port, "lost.corp.example", "A");

        Assert.Equal(reference.Status, ours.Status);
        Assert.Equal("NXDOMAIN", ours.Status);
        Assert.Equal(Names(reference.Answer), Names(ours.Answer));
        Assert.Contains(ours.Authority, r => r.StartsWith("s3.amazonaws.com. ", StringComparison.Ordinal) && r.Contains(" SOA ns.s3.amazonaws.com.", StringComparison.Ordinal));
    }

    /// <summary>A name that was not ours when cached becomes ours: the cached upstream answer must not outlive the change.</summary>
    [Fact]
    public async Task AZoneAddedLaterIsNotBypassedByTheCache()
    {
        using var zones = new TempDirectory();
        zones.Write("other.amazonaws.com.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.200.0.53\n@ A 10.200.0.10\n");
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{_upstream.Port}"]);
        var before = await Dig.QueryAsync(server.Port, "files.corp.example", "A");
        Assert.True(before.Answer.Any(r => r.EndsWith("IN A 52.216.1.1", StringComparison.Ordinal)), before.Output);

        zones.Write("s3.amazonaws.com.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.200.0.53\nmybucket A 10.200.0.10\n");
        Assert.True(await server.Process.WaitForOutputAsync("s3.amazonaws.com", TimeSpan.FromSeconds(30)), server.Output);
        var after = await Dig.QueryAsync(server.Port, "files.corp.example", "A");

        Assert.True(after.Answer.Any(r => r.EndsWith("IN A 10.200.0.10", StringComparison.Ordinal)), after.Output + server.Output);
    }

    /// <summary>Owner, type and data of each record, without the TTLs, which count down.</summary>
    private static List<string> Names(IReadOnlyList<string> records) =>
        records.Select(r => r.Split(' ')).Select(f => $"{f[0].ToLowerInvariant()} {f[3]} {string.Join(' ', f[4..])}").Order(StringComparer.Ordinal).ToList();

    public Task DisposeAsync()
    {
        _server.Dispose();
        _reference.Dispose();
        _upstream.Dispose();
        _upstreamZones.Dispose();
        _ourZones.Dispose();
        return Task.CompletedTask;
    }
}
