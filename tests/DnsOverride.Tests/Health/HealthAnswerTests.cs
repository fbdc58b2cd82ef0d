using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Health;

/// <summary>
/// Two load balancer addresses in a network namespace, probed by TCP: one made unreachable leaves answers within
/// interval x fall + 1 s and comes back after it recovers; both unreachable, both are answered (fail open). A third
/// address of the zone, not named by the check, is never probed.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class HealthAnswerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private const int Fall = 2;
    private const int Rise = 2;

    /// <summary>Accepts and closes connections on port 8443 of each address given, printing which address took one.</summary>
    private const string Listener = """
        import select, socket, sys
        sockets = []
        for address in sys.argv[1:]:
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((address, 8443)); s.listen(64); sockets.append(s)
        print("listening", flush=True)
        while True:
            for s in select.select(sockets, [], [])[0]:
                c, _ = s.accept(); print("accept", s.getsockname()[0], flush=True); c.close()
        """;

    [Fact]
    public async Task AnswersLeaveOutAnAddressThatIsDownAndAllWhenAllAre()
    {
        using var network = await NetworkNamespace.CreateAsync(1, 2, 3);
        using var listener = await network.StartAsync("python3", ["-u", "-c", Listener, network.Address(1), network.Address(2), network.Address(3)], "listening");
        using var zones = new TempDirectory();
        zones.Write("health.test.zone", $"$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A {network.Address(3)}\n@ A {network.Address(1)}\n@ A {network.Address(2)}\n");
        zones.Write("health.json", $$"""{"checks": [{"zone": "health.test", "names": ["@"], "tcp": 8443, "interval": "1s", "timeout": "300ms", "fall": {{Fall}}, "rise": {{Rise}}}]}""");
        using var server = await DnsServerProcess.StartAsync(zones.Path);
        string[] both = [network.Address(1), network.Address(2)];
        Assert.Equal(both, await AddressesAsync(server.Port));

        await network.RemoveAsync(2);
        var down = await UntilAsync(server.Port, [network.Address(1)], Interval * Fall + TimeSpan.FromSeconds(1));
        await network.AddAsync(2);
        var up = await UntilAsync(server.Port, both, Interval * Rise + TimeSpan.FromSeconds(1));
        await network.RemoveAsync(2); // first: taking .1, the first address of the /24, away takes the later ones with it
        await network.RemoveAsync(1);
        Assert.True(await server.Process.WaitForOutputAsync($"Health: tcp {network.Address(1)}:8443 (health.test.) is down", TimeSpan.FromSeconds(10)), server.Output);
        // .2 went down once already, in the first step: wait for its second "down" line, not the first.
        var secondDown = System.Text.RegularExpressions.Regex.Escape($"Health: tcp {network.Address(2)}:8443 (health.test.) is down: timeout");
        Assert.True(await server.Process.WaitForMatchAsync($"{secondDown}(?s:.*){secondDown}", TimeSpan.FromSeconds(10)), server.Output);
        var allDown = await AddressesAsync(server.Port);

        Assert.True(down.Done, $"{network.Address(2)} still answered {down.Elapsed} after it went away:\n{server.Output}");
        Assert.True(up.Done, $"{network.Address(2)} not back {up.Elapsed} after it returned:\n{server.Output}");
        Assert.Equal(both, allDown);
        Assert.Contains($"Health: tcp {network.Address(2)}:8443 (health.test.) is up", server.Output, StringComparison.Ordinal);
        Assert.Contains($"accept {network.Address(1)}", listener.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"accept {network.Address(3)}", listener.Output, StringComparison.Ordinal);
    }

    private static async Task<string[]> AddressesAsync(int port) =>
        [.. (await Dig.QueryAsync(port, "+norec", "health.test", "A")).Answer.Select(a => a.Split(' ')[^1]).Order(StringComparer.Ordinal)];

    /// <summary>Asks until the answer is <paramref name="expected"/> or <paramref name="within"/> has passed.</summary>
    private static async Task<(bool Done, TimeSpan Elapsed)> UntilAsync(int port, string[] expected, TimeSpan within)
    {
        var (_, done, elapsed) = await Eventually.PollAsync(() => AddressesAsync(port), addresses => addresses.SequenceEqual(expected), within);
        return (done, elapsed);
    }
}
