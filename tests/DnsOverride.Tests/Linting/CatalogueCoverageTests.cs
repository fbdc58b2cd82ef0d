using Endpoints.DnsOverride.Cli;
using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Linting;

/// <summary>
/// check warns where a zone would deny a name AWS clients use, and --strict fails on it: Streams under the DynamoDB
/// zone without transparent.json (the NXDOMAIN the shipped zones gave before), a bucket name in an S3 zone without *.
/// </summary>
public sealed class CatalogueCoverageTests : IDisposable
{
    private readonly TempDirectory _zones = new();

    public CatalogueCoverageTests()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "zones")))
        {
            File.Copy(file, _zones.File(Path.GetFileName(file)));
        }
    }

    public void Dispose() => _zones.Dispose();

    [Fact]
    public void TheShippedZonesDenyNoNameClientsUse()
    {
        var (exit, output) = Check(strict: true);

        Assert.Equal(0, exit);
        Assert.DoesNotContain("warning", output, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamsWithoutTransparentJsonIsAWarningAndFailsStrict()
    {
        File.Delete(_zones.File(TransparentZonesReader.FileName));

        var (exit, output) = Check(strict: false);
        var (strictExit, _) = Check(strict: true);

        Assert.Equal(0, exit);
        Assert.Equal(1, strictExit);
        Assert.Contains(
            $"{_zones.File("dynamodb.us-east-1.amazonaws.com.zone")}:5: warning: zone dynamodb.us-east-1.amazonaws.com. answers NXDOMAIN for " +
            "streams.dynamodb.us-east-1.amazonaws.com (DynamoDB Streams), a name clients use: it keeps its upstream answer, so list the zone in transparent.json",
            output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnS3ZoneWithoutItsWildcardDeniesBucketNames()
    {
        var file = _zones.File("s3.us-east-1.amazonaws.com.zone");
        File.WriteAllLines(file, File.ReadAllLines(file).Where(line => !line.StartsWith('*')));

        var (exit, output) = Check(strict: true);

        Assert.Equal(1, exit);
        Assert.Contains(
            "answers NXDOMAIN for example-label.s3.us-east-1.amazonaws.com (S3 virtual-hosted), a name clients use: it is served by the gateway endpoint",
            output, StringComparison.Ordinal);
    }

    private (int Exit, string Output) Check(bool strict)
    {
        using var output = new StringWriter();
        var exit = CheckCommand.Run(_zones.Path, ZoneLimits.Default, output, TextWriter.Null, strict);
        return (exit, output.ToString());
    }
}
