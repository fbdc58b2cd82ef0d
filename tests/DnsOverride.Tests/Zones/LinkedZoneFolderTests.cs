using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>A --zones folder that is a link (git-sync's layout): read as one revision, and a broken link keeps the last good set.</summary>
public sealed class LinkedZoneFolderTests
{
    private const string Zone = "$TTL 60\n@ SOA ns h 7 3600 900 604800 60\n@ NS ns\nns A 10.200.0.53\n@ A 10.200.0.10\n";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void ALinkedFolderIsReadFromItsRevisionAndNamesTheCommit()
    {
        using var root = new TempDirectory();
        var revision = Directory.CreateDirectory(Path.Combine(root.Path, "revs", Commit, "zones")).FullName;
        File.WriteAllText(Path.Combine(revision, "s3.amazonaws.com.zone"), Zone);
        var link = Path.Combine(root.Path, "zones");
        File.CreateSymbolicLink(link, $"revs/{Commit}/zones");

        var report = ZoneLoader.Load(link, ZoneLimits.Default);

        Assert.Empty(report.Errors);
        Assert.Equal(Commit, report.Commit);
        Assert.Equal(Path.Combine(revision, "s3.amazonaws.com.zone"), Assert.Single(report.Zones.Zones).File);
    }

    [Theory]
    [InlineData("dangling")]
    [InlineData("loop")]
    public void ABrokenLinkIsAClearErrorAndTheLastGoodSetStays(string kind)
    {
        using var root = new TempDirectory();
        File.WriteAllText(root.File("s3.amazonaws.com.zone"), Zone);
        var good = ZoneLoader.Load(root.Path, ZoneLimits.Default).Zones;
        var link = Path.Combine(root.Path, "zones");
        if (kind == "loop")
        {
            File.CreateSymbolicLink(Path.Combine(root.Path, "other"), "zones");
            File.CreateSymbolicLink(link, "other");
        }
        else
        {
            File.CreateSymbolicLink(link, "revs/gone/zones");
        }

        var report = ZoneLoader.Load(link, ZoneLimits.Default, good);

        Assert.Same(good, report.Zones);
        var error = Assert.Single(report.Errors).ToString();
        Assert.StartsWith($"{link}: cannot list zone directory: ", error, StringComparison.Ordinal);
        if (kind == "loop")
        {
            Assert.Contains("too many levels of symbolic links", error, StringComparison.Ordinal);
        }
    }
}
