using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>
/// Limits on what a zone may cost (bytes, records) and where its files may come from: each is an error at the
/// file and line where it is crossed, and the zone is not loaded.
/// </summary>
public sealed class ZoneLimitsTests : IDisposable
{
    private const string Head = "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n";

    private readonly TempDirectory _root = new();
    private readonly string _zones;
    private readonly string _outside;

    public ZoneLimitsTests()
    {
        _zones = Directory.CreateDirectory(Path.Combine(_root.Path, "zones")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root.Path, "outside")).FullName;
    }

    [Fact]
    public void AZoneOverTheByteLimitFailsAtTheLineWhereItCrossesIt()
    {
        var file = Write("big.test.zone", Head + string.Concat(Enumerable.Range(0, 50).Select(i => $"h{i} A 10.0.0.{i}\n")));

        var errors = Load(file, ZoneLimits.Default with { MaxFileBytes = 200 });

        var error = Assert.Single(errors);
        Assert.Equal($"{file}:{LineAtByte(file, 200)}: zone text exceeds MaxZoneFileBytes (200 bytes) here", error);
    }

    [Fact]
    public void IncludedFilesCountTowardsTheZonesBytes()
    {
        var part = Write("part.inc", string.Concat(Enumerable.Range(0, 20).Select(i => $"h{i} A 10.0.0.{i}\n")));
        var file = Write("inc.test.zone", Head + "$INCLUDE part.inc\n");
        var limit = new FileInfo(file).Length + 100;

        var errors = Load(file, ZoneLimits.Default with { MaxFileBytes = limit });

        Assert.Equal([$"{part}:{LineAtByte(part, 100)}: zone text exceeds MaxZoneFileBytes ({limit} bytes) here"], errors);
        Assert.Empty(Load(file, ZoneLimits.Default with { MaxFileBytes = limit + 1000 }));
    }

    [Fact]
    public void AZoneOverTheRecordLimitFailsAtTheFirstRecordPastIt()
    {
        var file = Write("many.test.zone", Head + "a A 10.0.0.1\nb A 10.0.0.2\nc A 10.0.0.3\n");

        // SOA, NS, ns A, a, b: c on line 7 is the sixth record.
        Assert.Equal([$"{file}:7: zone has more than MaxRecordsPerZone (5) records; stopped here"], Load(file, ZoneLimits.Default with { MaxRecords = 5 }));
        Assert.Empty(Load(file, ZoneLimits.Default with { MaxRecords = 6 }));
    }

    [Fact]
    public void AnIncludeOutsideTheZonesFolderIsRefusedUnlessAllowed()
    {
        var secret = Path.Combine(_outside, "secret.txt");
        File.WriteAllText(secret, "x A 10.9.9.9\n");
        var file = Write("esc.test.zone", Head + "\n$INCLUDE ../outside/secret.txt\n");

        var error = Assert.Single(Load(file, ZoneLimits.Default));

        Assert.StartsWith($"{file}:6: included file '", error, StringComparison.Ordinal);
        Assert.Contains($"is '{secret}', outside the zones folder", error, StringComparison.Ordinal);
        Assert.Empty(Load(file, ZoneLimits.Default with { AllowOutsideFolder = true }));
    }

    [Fact]
    public void LinksLeadingOutsideAreRefusedAndLinksInsideAreNot()
    {
        File.WriteAllText(Path.Combine(_outside, "real.zone"), Head);
        File.CreateSymbolicLink(Path.Combine(_zones, "linked.test.zone"), Path.Combine(_outside, "real.zone"));
        Directory.CreateSymbolicLink(Path.Combine(_zones, "sub"), _outside);
        var viaDirectory = Write("dir.test.zone", Head + "$INCLUDE sub/real.zone\n");
        Directory.CreateDirectory(Path.Combine(_zones, "parts"));
        File.WriteAllText(Path.Combine(_zones, "parts", "in.zone"), Head);
        File.CreateSymbolicLink(Path.Combine(_zones, "inside.test.zone"), "parts/in.zone");

        var linked = Assert.Single(Load(Path.Combine(_zones, "linked.test.zone"), ZoneLimits.Default));
        Assert.Contains($"zone file is '{Path.Combine(_outside, "real.zone")}', outside the zones folder", linked, StringComparison.Ordinal);
        Assert.Contains("outside the zones folder", Assert.Single(Load(viaDirectory, ZoneLimits.Default)), StringComparison.Ordinal);
        Assert.Empty(Load(Path.Combine(_zones, "inside.test.zone"), ZoneLimits.Default));
    }

    [Theory]
    [InlineData("zones/sub/../x")]
    [InlineData("zones/loop2/../zones/./parts")]
    [InlineData("zones/parts/../../outside/f")]
    [InlineData("zones/abs/g")]
    public async Task RealPathResolvesAsTheKernelDoes(string relative)
    {
        Directory.CreateDirectory(Path.Combine(_outside, "deep"));
        Directory.CreateDirectory(Path.Combine(_zones, "parts"));
        Directory.CreateSymbolicLink(Path.Combine(_zones, "sub"), "../outside/deep");
        Directory.CreateSymbolicLink(Path.Combine(_zones, "loop2"), "sub");
        Directory.CreateSymbolicLink(Path.Combine(_zones, "abs"), _outside);

        var path = Path.Combine(_root.Path, relative);
        var expected = (await Tools.RunAsync("realpath", "-m", path)).Output.Trim();

        Assert.Equal(expected, RealPath.Resolve(path));
    }

    public void Dispose() => _root.Dispose();

    private static List<string> Load(string file, ZoneLimits limits)
    {
        var errors = new List<ZoneError>();
        var zone = ZoneLoader.LoadFile(file, limits, errors);
        var problems = errors.Where(e => !e.IsWarning).Select(e => e.ToString()).ToList();
        Assert.Equal(problems.Count == 0, zone is not null);
        return problems;
    }

    private static int LineAtByte(string file, int bytes) => File.ReadAllBytes(file).AsSpan(0, bytes).Count((byte)'\n') + 1;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_zones, name);
        File.WriteAllText(path, text);
        return path;
    }
}
