using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>Zone edits are served without restart; a broken edit never takes a zone down; signals behave.</summary>
[Trait("Category", "Integration")]
public sealed class ReloadTests
{
    private static string ZoneText(int serial, string address) =>
        FormattableString.Invariant($"$TTL 60\n@ SOA ns h {serial} 3600 600 86400 60\n@ NS ns\nns A 10.0.0.53\n* A {address}\n");

    private static async Task<TimeSpan> WaitForAnswerAsync(int port, string name, string expected, TimeSpan limit)
    {
        var (_, done, elapsed) = await Eventually.PollAsync(() => Dig.QueryAsync(port, "+short", name), dig => dig.Output.Trim() == expected, limit);
        return done ? elapsed : throw new TimeoutException($"{name} did not become {expected} within {limit}");
    }

    [Fact]
    public async Task EditsAreServedWithinTwoSecondsAndBrokenEditsKeepTheLastGoodZone()
    {
        using var zones = new TempDirectory();
        var file = zones.Write("corp.test.zone", ZoneText(1, "10.1.1.1"));
        using var server = await DnsServerProcess.StartAsync(zones.Path);

        File.WriteAllText(file, ZoneText(2, "10.2.2.2"));
        // Noticed by the poll of the directory (every second), not by a signal or a restart.
        await WaitForAnswerAsync(server.Port, "bucket.corp.test", "10.2.2.2", TimeSpan.FromSeconds(10));
        Assert.True(await server.Process.WaitForOutputAsync("Reloading zones (files changed)", TimeSpan.FromSeconds(5)), server.Output);

        File.WriteAllText(file, ZoneText(3, "10.2.2.2") + "broken A 10.3.3\n");
        Assert.True(await server.Process.WaitForOutputAsync($"{file}:6: A: bad dotted quad", TimeSpan.FromSeconds(5)), server.Output);
        var dig = await Dig.QueryAsync(server.Port, "+short", "bucket.corp.test");
        Assert.Equal("10.2.2.2", dig.Output.Trim());
        Assert.True(await server.Process.WaitForOutputAsync("serving its last good version", TimeSpan.FromSeconds(5)), server.Output);
    }

    [Fact]
    public async Task NewAndRemovedZoneFilesAreNoticed()
    {
        using var zones = new TempDirectory();
        zones.Write("corp.test.zone", ZoneText(1, "10.1.1.1"));
        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--allow-recursion", "192.0.2.0/24"]);

        var added = zones.Write("new.test.zone", ZoneText(1, "10.4.4.4"));
        await WaitForAnswerAsync(server.Port, "x.new.test", "10.4.4.4", TimeSpan.FromSeconds(3));

        File.Delete(added);
        var (dig, _, _) = await Eventually.PollAsync(() => Dig.QueryAsync(server.Port, "x.new.test"), dig => dig.Status == "REFUSED", TimeSpan.FromSeconds(3));

        Assert.Equal("REFUSED", dig.Status);
    }

    [Fact]
    public async Task SighupReloadsAndSigtermStopsCleanly()
    {
        using var zones = new TempDirectory();
        zones.Write("corp.test.zone", ZoneText(1, "10.1.1.1"));
        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--log-level", "Information"]);

        server.Process.Signal(Signals.SIGHUP);
        Assert.True(await server.Process.WaitForOutputAsync("Reloading zones (SIGHUP)", TimeSpan.FromSeconds(5)), server.Output);
        Assert.False(server.Process.HasExited);
        Assert.Equal("10.1.1.1", (await Dig.QueryAsync(server.Port, "+short", "a.corp.test")).Output.Trim());

        server.Process.Signal(Signals.SIGTERM);
        Assert.True(server.Process.WaitForExit(TimeSpan.FromSeconds(10)), "did not stop on SIGTERM");
        Assert.Equal(0, server.Process.ExitCode);
        Assert.Contains("Stopped", server.Output, StringComparison.Ordinal);
    }

    /// <summary>Three files naming one zone (case and a trailing dot differ): the first by name serves, the others are errors, and the server stays up.</summary>
    [Fact]
    public async Task FilesNamingOneZoneAreErrorsAtStartAndOnReload()
    {
        using var zones = new TempDirectory();
        zones.Write("corp.test.zone", ZoneText(1, "10.1.1.1"));
        zones.Write("x.test.zone", ZoneText(1, "10.5.5.5"));
        zones.Write("X.TEST.zone", ZoneText(1, "10.6.6.6"));
        using var server = await DnsServerProcess.StartAsync(zones.Path);
        Assert.Equal("10.6.6.6", (await Dig.QueryAsync(server.Port, "+short", "a.x.test")).Output.Trim());

        var third = zones.Write("x.test..zone", ZoneText(1, "10.7.7.7"));
        File.WriteAllText(Path.Combine(zones.Path, "corp.test.zone"), ZoneText(2, "10.2.2.2"));
        await WaitForAnswerAsync(server.Port, "a.corp.test", "10.2.2.2", TimeSpan.FromSeconds(10));
        Assert.True(await server.Process.WaitForOutputAsync($"{third}: zone x.test. is defined by more than one file (first: X.TEST.zone)", TimeSpan.FromSeconds(5)), server.Output);
        Assert.False(server.Process.HasExited, server.Output);
        Assert.Equal("10.6.6.6", (await Dig.QueryAsync(server.Port, "+short", "a.x.test")).Output.Trim());
    }

    /// <summary>
    /// A health.json that exists but cannot be read (as root, chmod cannot make one: a link to /proc/self/mem, whose
    /// read fails with EIO) is an error in the log; the zones still reload and the server stays up.
    /// </summary>
    [Fact]
    public async Task AnUnreadableHealthFileIsAnErrorAndTheZonesStillReload()
    {
        using var zones = new TempDirectory();
        zones.Write("corp.test.zone", ZoneText(1, "10.1.1.1"));
        using var server = await DnsServerProcess.StartAsync(zones.Path);

        var health = Path.Combine(zones.Path, "health.json");
        File.CreateSymbolicLink(health, "/proc/self/mem");
        File.WriteAllText(Path.Combine(zones.Path, "corp.test.zone"), ZoneText(2, "10.2.2.2"));
        await WaitForAnswerAsync(server.Port, "a.corp.test", "10.2.2.2", TimeSpan.FromSeconds(10));
        Assert.True(await server.Process.WaitForOutputAsync($"{health}: cannot read:", TimeSpan.FromSeconds(5)), server.Output);
        Assert.False(server.Process.HasExited, server.Output);
        File.WriteAllText(Path.Combine(zones.Path, "corp.test.zone"), ZoneText(3, "10.3.3.3"));
        await WaitForAnswerAsync(server.Port, "a.corp.test", "10.3.3.3", TimeSpan.FromSeconds(10));
    }
}
