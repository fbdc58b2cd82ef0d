using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// Delivery: <c>deploy/zones-sync</c> fetches the branch, checks the new revision and swaps the <c>zones</c> link;
/// the real server, pointed at the link, serves each merged serial within its poll, and keeps the last good zones
/// when a revision is refused, the remote hangs, or the link's target disappears.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class ZonesSyncTests
{
    private static string Zone(int serial, string address = "10.200.0.10") => $"""
        $TTL 60
        @ SOA ns hostmaster {serial} 3600 900 604800 60
        @ NS ns
        ns A 10.200.0.53
        @ A {address}
        * A {address}
        """;

    [Fact]
    public async Task MergedRevisionsReachTheServerAndBadOnesAreRefused()
    {
        using var origin = await GitRepository.CreateAsync();
        origin.Write("zones/s3.amazonaws.com.zone", Zone(1));
        await origin.CommitAsync("serial 1");
        using var root = new TempDirectory();

        var first = await SyncAsync(origin.Path, root.Path);
        Assert.True(first.Exit == 0, first.Output);
        var commit1 = (await origin.RunAsync("rev-parse", "HEAD")).Trim();
        Assert.Contains($"zones-sync: serving commit {commit1}", first.Output, StringComparison.Ordinal);

        using var server = await DnsServerProcess.StartAsync(Path.Combine(root.Path, "zones"));
        Assert.Equal("1", await SerialAsync(server));
        Assert.Contains($"(source commit {commit1})", server.Output, StringComparison.Ordinal);

        // A merge: the server serves it within its 1 s poll, + 2 s.
        origin.Write("zones/s3.amazonaws.com.zone", Zone(2, "10.200.0.20"));
        await origin.CommitAsync("serial 2");
        Assert.Equal(0, (await SyncAsync(origin.Path, root.Path)).Exit);
        var synced = Stopwatch.StartNew();
        while (await SerialAsync(server) != "2")
        {
            Assert.True(synced.Elapsed < TimeSpan.FromSeconds(3), server.Output);
        }

        Assert.Contains($"commit {(await origin.RunAsync("rev-parse", "HEAD")).Trim()} already served", (await SyncAsync(origin.Path, root.Path)).Output, StringComparison.Ordinal);

        // A force-pushed revision with a public address is refused; serial 2 stays.
        origin.Write("zones/s3.amazonaws.com.zone", Zone(3, "52.216.8.1"));
        await origin.RunAsync("add", "-A");
        await origin.RunAsync("commit", "-q", "--amend", "-m", "bad");
        var refused = await SyncAsync(origin.Path, root.Path);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("zones/s3.amazonaws.com.zone:5: s3.amazonaws.com. A 52.216.8.1 is not a private address", refused.Output, StringComparison.Ordinal);
        Assert.Contains("refused: check failed; still serving revs/", refused.Output, StringComparison.Ordinal);
        Assert.Equal("2", await SerialAsync(server));

        // Good revisions again: only the last five are kept.
        for (var serial = 4; serial <= 10; serial++)
        {
            origin.Write("zones/s3.amazonaws.com.zone", Zone(serial));
            await origin.CommitAsync($"serial {serial}");
            Assert.Equal(0, (await SyncAsync(origin.Path, root.Path)).Exit);
        }

        Assert.Equal(5, Directory.GetDirectories(Path.Combine(root.Path, "revs")).Length);

        // The link's target vanishes: the server says so and keeps its last good zones.
        var served = Path.Combine(root.Path, "revs", new DirectoryInfo(Path.Combine(root.Path, "zones")).LinkTarget!.Split('/')[1]);
        while (await SerialAsync(server) != "10")
        {
            Assert.True(synced.Elapsed < TimeSpan.FromSeconds(60), server.Output);
        }

        Directory.Delete(served, recursive: true);
        Assert.True(await server.Process.WaitForOutputAsync("cannot list zone directory", TimeSpan.FromSeconds(10)), server.Output);
        Assert.Equal("10", await SerialAsync(server));
    }

    /// <summary>A commit whose zones folder is a link out of the repository: refused, and the server refuses such a layout too.</summary>
    [Fact]
    public async Task AZonesFolderThatIsALinkIsRefused()
    {
        using var outside = new TempDirectory();
        outside.Write("s3.amazonaws.com.zone", Zone(7));
        using var origin = await GitRepository.CreateAsync();
        origin.Write("zones/s3.amazonaws.com.zone", Zone(1));
        await origin.CommitAsync("serial 1");
        using var root = new TempDirectory();
        Assert.Equal(0, (await SyncAsync(origin.Path, root.Path)).Exit);

        Directory.Delete(Path.Combine(origin.Path, "zones"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(origin.Path, "zones"), outside.Path);
        await origin.CommitAsync("zones elsewhere");
        var refused = await SyncAsync(origin.Path, root.Path);

        Assert.Equal(1, refused.Exit);
        Assert.Contains("'zones' is a symbolic link; refused, still serving revs/", refused.Output, StringComparison.Ordinal);

        // The same layout made by hand: the server names the link and serves nothing from it.
        var revision = Directory.CreateDirectory(Path.Combine(root.Path, "revs", "forged")).FullName;
        File.CreateSymbolicLink(Path.Combine(revision, "zones"), outside.Path);
        File.CreateSymbolicLink(Path.Combine(root.Path, "forged-zones"), "revs/forged/zones");
        using var server = await DnsServerProcess.StartAsync(Path.Combine(root.Path, "forged-zones"));
        Assert.True(await server.Process.WaitForOutputAsync("is a symbolic link inside the revision", TimeSpan.FromSeconds(10)), server.Output);
        Assert.NotEqual("7", await SerialAsync(server));
    }

    /// <summary>
    /// A commit over the size limit is refused from git's own listing, before a byte is written; a refused commit is
    /// remembered, so the timer's next runs neither export nor check it again, until the branch moves on.
    /// </summary>
    [Fact]
    public async Task ATooLargeCommitIsRefusedBeforeExportAndARefusedCommitIsRemembered()
    {
        using var origin = await GitRepository.CreateAsync();
        origin.Write("zones/s3.amazonaws.com.zone", Zone(1) + string.Concat(Enumerable.Range(0, 40_000).Select(i => $"h{i} A 10.200.{(i >> 8) & 255}.{i & 255}\n")));
        await origin.CommitAsync("large");
        var commit = (await origin.RunAsync("rev-parse", "HEAD")).Trim();
        using var root = new TempDirectory();

        var large = await SyncAsync(origin.Path, root.Path, "--max-bytes", "100000");
        var again = await SyncAsync(origin.Path, root.Path, "--max-bytes", "100000");

        Assert.Equal(1, large.Exit);
        Assert.Matches($@"commit {commit}: 'zones' holds \d+ bytes in 1 files, over --max-bytes 100000 or --max-files 10000; refused before export, still serving nothing", large.Output);
        Assert.Empty(Directory.GetDirectories(Path.Combine(root.Path, "revs")));
        Assert.Equal(1, again.Exit);
        Assert.Contains($"commit {commit} was refused before; still serving nothing until a new commit", again.Output, StringComparison.Ordinal);

        origin.Write("zones/s3.amazonaws.com.zone", Zone(2));
        await origin.CommitAsync("small");
        var small = await SyncAsync(origin.Path, root.Path, "--max-bytes", "100000");
        Assert.True(small.Exit == 0, small.Output);
    }

    [Fact]
    public async Task ARemoteThatHangsTimesOutAndChangesNothing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var root = new TempDirectory();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var started = Stopwatch.StartNew();
        var (exit, output) = await SyncAsync($"git://127.0.0.1:{port}/zones.git", root.Path, "--timeout", "2");

        Assert.Equal(1, exit);
        Assert.Contains("failed or took over 2s; still serving nothing", output, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
        Assert.False(Path.Exists(Path.Combine(root.Path, "zones")));
    }

    private static Task<(int Exit, string Output)> SyncAsync(string repository, string root, params string[] extra) =>
        Tools.RunAsync("bash", [Path.Combine(AppContext.BaseDirectory, "deploy", "zones-sync"), "--repo", repository, "--root", root,
            "--check", $"dotnet {DnsServerProcess.ServerDll} check", .. extra]);

    private static async Task<string> SerialAsync(DnsServerProcess server)
    {
        var dig = await Dig.QueryAsync(server.Port, "+short", "s3.amazonaws.com", "SOA");
        var fields = dig.Output.Trim().Split(' ');
        return fields.Length > 2 ? fields[2] : dig.Output;
    }
}
