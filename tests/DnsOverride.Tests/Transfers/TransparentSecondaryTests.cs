using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Transfers;

/// <summary>
/// A secondary cannot forward what a transparent zone leaves upstream: a copy of the DynamoDB zone would answer
/// NXDOMAIN for Streams on its own word (and a forward zone for Streams below it does not help: BIND answers from
/// the zone it holds). So a transparent zone is never transferred, and the corporate BIND forwards it to us while it
/// holds every other zone as a secondary, as docs/zones.md configures it; Streams then resolves through it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TransparentSecondaryTests
{
    private const string Zone = "dynamodb.us-east-1.amazonaws.com";

    [Fact]
    public async Task StreamsResolvesThroughABindThatHoldsTheOtherZonesAsSecondariesAndForwardsTheTransparentOne()
    {
        using var ours = new TempDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "zones")))
        {
            File.Copy(file, ours.File(Path.GetFileName(file)));
        }

        using var aws = new TempDirectory();
        var real = aws.Write(Zone + ".zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n@ A 3.218.182.1\nstreams A 3.218.182.2\n");
        using var upstream = await NamedProcess.StartAuthoritativeAsync([(Zone, real)]);
        using var keys = new TempDirectory();
        var keyFile = TransferTests.KeyFile(keys);
        var ourPort = FreePort.Get();
        var copied = Directory.GetFiles(ours.Path, "*.zone").Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(z => z != Zone).ToList();
        using var corporate = await NamedProcess.StartSecondaryAsync(copied, ourPort, keyFile, TransferTests.KeyName, [(Zone, ourPort)]);
        using var server = await DnsServerProcess.StartAsync(
            ours.Path, [$"127.0.0.1:{upstream.Port}"], ["--allow-transfer", "127.0.0.1/32", "--tsig-keys", keyFile, "--notify", $"127.0.0.1:{corporate.Port}"], listen: $"127.0.0.1:{ourPort}");
        var loaded = await Eventually.PollAsync(() => Dig.QueryAsync(corporate.Port, "+norec", "mybucket.s3.amazonaws.com", "A"), d => d.Flags.Contains("aa"), TimeSpan.FromSeconds(30));
        Assert.True(loaded.Done, corporate.Output);

        var streams = await Dig.QueryAsync(corporate.Port, "streams." + Zone, "A");
        var endpoint = await Dig.QueryAsync(corporate.Port, Zone, "A");

        Assert.Equal(["10.200.0.10", "10.200.1.10"], loaded.Value.Answer.Select(a => a.Split(' ')[^1]).Order(StringComparer.Ordinal));
        Assert.Equal("NOERROR", streams.Status);
        Assert.Equal(["3.218.182.2"], streams.Answer.Select(a => a.Split(' ')[^1]));
        Assert.Equal(["10.200.0.10", "10.200.1.10"], endpoint.Answer.Select(a => a.Split(' ')[^1]).Order(StringComparer.Ordinal));

        // Asked for a copy of the transparent zone, even by an allowed and signed secondary, we refuse and say why.
        var transfer = await Dig.QueryAsync(server.Port, "-k", keyFile, Zone, "AXFR");
        Assert.Contains("Transfer failed", transfer.Output, StringComparison.Ordinal);
        Assert.True(await server.Process.WaitForMatchAsync(@"dynamodb\.us-east-1\.amazonaws\.com\. AXFR tcp decision=refused-transfer-transparent-zone rcode=REFUSED", TimeSpan.FromSeconds(5)), server.Output);
    }
}
