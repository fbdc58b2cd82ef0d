using System.Diagnostics;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Transfers;

/// <summary>
/// BIND as a corporate secondary of every zone, as docs/ configures it: it loads them by signed transfer, and
/// follows an edit within 3 s of our reload because we NOTIFY it, not at its refresh timer (an hour).
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class SecondaryTests
{
    [Fact]
    public async Task BindLoadsEveryZoneAndFollowsAnEditByNotify()
    {
        using var directory = new TempDirectory();
        var zones = TestZones.CopyAll(directory);
        using var keys = new TempDirectory();
        var keyFile = TransferTests.KeyFile(keys);
        var ourPort = FreePort.Get();
        using var secondary = await NamedProcess.StartSecondaryAsync(zones.Select(z => z.Origin), ourPort, keyFile, TransferTests.KeyName);
        using var ours = await DnsServerProcess.StartAsync(
            directory.Path,
            extra: ["--allow-transfer", "127.0.0.1/32", "--tsig-keys", keyFile, "--notify", $"127.0.0.1:{secondary.Port}"],
            listen: $"127.0.0.1:{ourPort}");

        foreach (var (origin, _) in zones)
        {
            var soa = await PollAsync(secondary.Port, origin, "SOA", dig => dig.Flags.Contains("aa"), TimeSpan.FromSeconds(30));
            Assert.True(soa.Flags.Contains("aa"), $"{origin} not loaded by the secondary:\n{secondary.Output}\n{ours.Output}");
        }

        Assert.Equal(
            (await Dig.QueryAsync(ours.Port, "+norec", "mybucket.s3.amazonaws.com", "A")).Answer.Order(StringComparer.Ordinal),
            (await Dig.QueryAsync(secondary.Port, "+norec", "mybucket.s3.amazonaws.com", "A")).Answer.Order(StringComparer.Ordinal));
        Assert.True(await ours.Process.WaitForOutputAsync("NOTIFY for s3.amazonaws.com. (serial 2026120400) acknowledged", TimeSpan.FromSeconds(10)), ours.Output);

        var file = zones.Single(z => z.Origin == "s3.amazonaws.com").File;
        File.WriteAllText(file, File.ReadAllText(file).Replace("2026120400", "2026120401", StringComparison.Ordinal) + "added-by-notify A 10.200.9.9\n");
        Assert.True(await ours.Process.WaitForOutputAsync("s3.amazonaws.com. (serial 2026120401)", TimeSpan.FromSeconds(10)), ours.Output);
        var reloaded = Stopwatch.StartNew();
        var added = await PollAsync(secondary.Port, "added-by-notify.s3.amazonaws.com", "A", dig => dig.Answer.Count == 1, TimeSpan.FromSeconds(10));

        Assert.Equal(["added-by-notify.s3.amazonaws.com. 60 IN A 10.200.9.9"], added.Answer);
        Assert.True(reloaded.Elapsed < TimeSpan.FromSeconds(3), $"the secondary had the edit {reloaded.Elapsed} after our reload");
    }

    [Fact]
    public async Task NotifyIsSentAgainUntilAcknowledged()
    {
        using var directory = new TempDirectory();
        directory.Write("notify.test.zone", "$TTL 60\n@ SOA ns h 7 3600 600 86400 60\n@ NS ns\nns A 10.0.0.1\n");
        using var secondary = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)secondary.Client.LocalEndPoint!).Port;
        using var ours = await DnsServerProcess.StartAsync(directory.Path, extra: ["--notify", $"127.0.0.1:{port}"]);

        // The first two are lost; the third is answered as a secondary answers: same ID and opcode, QR set.
        var received = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            var notify = await secondary.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
            received.Add(notify.Buffer);
            if (i == 2)
            {
                var answer = notify.Buffer.ToArray();
                answer[2] |= 0x80;
                await secondary.SendAsync(answer, notify.RemoteEndPoint);
            }
        }

        Assert.True(await ours.Process.WaitForOutputAsync("NOTIFY for notify.test. (serial 7) acknowledged by", TimeSpan.FromSeconds(10)), ours.Output);
        Assert.Contains("after 3 tries", ours.Output, StringComparison.Ordinal);
        Assert.All(received, m => Assert.Equal(4, (m[2] >> 3) & 0x0F));
        Assert.Equal(3, received.Select(m => (m[0] << 8) | m[1]).Distinct().Count());
    }

    private static async Task<Dig> PollAsync(int port, string name, string type, Func<Dig, bool> done, TimeSpan timeout)
    {
        return (await Eventually.PollAsync(() => Dig.QueryAsync(port, "+norec", name, type), done, timeout)).Value;
    }
}
