using System.Net;
using Endpoints.DnsOverride.Catalogue;
using Endpoints.DnsOverride.Cli;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Tests.Forwarding;
using Endpoints.DnsOverride.Tests.Handlers;
using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Catalogue;

/// <summary>
/// Zones from <c>generate</c> for regions of all three partitions, served by the query path in process: every host
/// the AWS SDK's endpoint rules produce there (and the catalogue's Streams and S3 Control names) is answered as the
/// catalogue says: with that region's load balancer addresses when its gateway endpoint serves the name, and
/// otherwise with the upstream's answer, never an NXDOMAIN or NODATA of ours.
/// </summary>
public sealed class GeneratedZonesTests : IDisposable
{
    private static readonly string[] Regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1", "cn-north-1", "us-gov-west-1"];
    private static readonly IPAddress Public = IPAddress.Parse("198.51.100.7");

    private readonly TempDirectory _zones = new();

    public void Dispose() => _zones.Dispose();

    [Fact]
    public async Task EverySdkHostInEveryRegionIsAnsweredAsTheCatalogueSays()
    {
        Assert.Equal(0, Generate(Regions.SelectMany((r, i) => new[] { "--region", r, "--address", $"{r}=10.{i + 1}.0.10", "--address", $"{r}=10.{i + 1}.1.10" })).Exit);
        Assert.Equal(0, CheckCommand.Run(_zones.Path, ZoneLimits.Default, TextWriter.Null, TextWriter.Null, strict: true));
        using var upstream = new LoopbackResponder(address: Public);
        using var dns = InProcessDns.Start(new Dictionary<string, string?> { ["DnsOverride:Zones"] = _zones.Path, ["DnsOverride:Upstream:0"] = upstream.EndPoint.ToString() });

        var wrong = new List<string>();
        var served = 0;
        var kept = 0;
        foreach (var (name, index) in Regions.Select((r, i) => (r, i)))
        {
            var region = AwsRegion.Find(name)!;
            var lb = new[] { $"10.{index + 1}.0.10", $"10.{index + 1}.1.10" };
            var hosts = SdkHosts.For(region).Select(h => (h.Options, h.Host))
                .Append(("Streams (catalogue)", $"streams.dynamodb.{name}.{region.Partition.DnsSuffix}"))
                .Append(("S3 Control (catalogue)", $"123456789012.s3-control.{name}.{region.Partition.DnsSuffix}"));
            foreach (var (options, host) in hosts)
            {
                var form = AwsNameCatalogue.Find(region, host)!;
                var message = DnsWire.Parse(await dns.ExchangeAsync(DnsWire.BuildQuery(host, 1, recursionDesired: true)));
                var answer = message.AnswerRecords.OfType<ARSoft.Tools.Net.Dns.ARecord>().Select(a => a.Address.ToString()).Order(StringComparer.Ordinal).ToArray();
                var expected = form.Served ? lb : [Public.ToString()];
                var decision = dns.Context.Decision;
                if (!answer.SequenceEqual(expected) || (form.Served ? decision != QueryDecision.Authoritative : decision is not (QueryDecision.Forwarded or QueryDecision.Cached)))
                {
                    wrong.Add($"{name} {options}: {host} ({form.Form}) -> {message.ReturnCode} {decision} [{string.Join(", ", answer)}], expected [{string.Join(", ", expected)}]");
                }

                _ = form.Served ? served++ : kept++;
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.True(served > 100 && kept > 100, $"{served} served, {kept} kept");
    }

    [Fact]
    public void GeneratingAgainChangesNothingAndTheShippedZonesAreWhatItWrites()
    {
        string[] usEast1 = ["--region", "us-east-1", "--address", "10.200.0.10", "--address", "10.200.1.10", "--ns-address", "10.200.0.53", "--ns-address", "10.200.1.53"];
        Assert.Equal(0, Generate(usEast1).Exit);
        var first = Snapshot(_zones.Path);

        var again = Generate(usEast1);

        Assert.Equal(0, again.Exit);
        Assert.Contains("0 files written, 8 unchanged", again.Output, StringComparison.Ordinal);
        Assert.Equal(first, Snapshot(_zones.Path));

        // The shipped zones, generated on another day, are what generate writes with their inputs: nothing to write.
        using var shipped = new TempDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "zones")))
        {
            File.Copy(file, shipped.File(Path.GetFileName(file)));
        }

        var regenerated = Generate([.. usEast1, "--out", shipped.Path]);
        Assert.Equal(0, regenerated.Exit);
        Assert.Contains("0 files written, 8 unchanged", regenerated.Output, StringComparison.Ordinal);
        Assert.Equal(Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "zones")).Length, Directory.GetFiles(shipped.Path).Length);
    }

    [Theory]
    [InlineData("--region us-east-7 --address 10.0.0.1", "--region: unknown region 'us-east-7'; did you mean 'us-east-1'?")]
    [InlineData("--region us-east-1 --address 10.0.0.1 --services s3,sqs", "--services: unknown service 'sqs'")]
    [InlineData("--region us-east-1 --address 52.216.8.1", "--address: 52.216.8.1 is not a private address")]
    [InlineData("--region us-east-1 --address 10.0.0", "--address: '10.0.0' is not an IP address")]
    [InlineData("--region us-east-1 --region eu-west-1 --address us-east-1=10.0.0.1", "--address: no address for eu-west-1")]
    [InlineData("--region us-east-1 --address eu-west-1=10.0.0.1", "--address: 'eu-west-1' is not a --region given")]
    public void BadInputIsAClearErrorAndWritesNothing(string arguments, string expected)
    {
        var (exit, output, error) = Generate(arguments.Split(' '));

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.EndsWith("nothing written\n", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Empty(Directory.GetFileSystemEntries(_zones.Path));
    }

    [Fact]
    public void AHandEditedZoneIsNeverOverwrittenWithoutForce()
    {
        Assert.Equal(0, Generate(["--region", "eu-west-1", "--address", "10.0.0.1"]).Exit);
        var file = _zones.File("s3.eu-west-1.amazonaws.com.zone");
        File.AppendAllText(file, "hand A 10.0.0.9\n");
        var edited = Snapshot(_zones.Path);

        var refused = Generate(["--region", "eu-west-1", "--address", "10.0.0.2"]);

        Assert.Equal(1, refused.Exit);
        Assert.Contains($"{file}: exists and differs from what generate writes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(edited, Snapshot(_zones.Path));

        var forced = Generate(["--region", "eu-west-1", "--address", "10.0.0.2", "--force"]);

        Assert.Equal(0, forced.Exit);
        Assert.DoesNotContain("hand A", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Contains("10.0.0.2", File.ReadAllText(file), StringComparison.Ordinal);
        var serial = ZoneLoader.LoadFile(file, ZoneLimits.Default, [])!.Serial;
        Assert.True(serial > uint.Parse(DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) * 100);
        Assert.Empty(Directory.GetDirectories(_zones.Path));
    }

    private (int Exit, string Output, string Error) Generate(IEnumerable<string> arguments)
    {
        var commandLine = DnsOverrideCommandLine.Parse(["generate", .. arguments]);
        Assert.Empty(commandLine.Errors);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = GenerateCommand.Run(commandLine.Settings, commandLine.Settings.GetValueOrDefault("Generate:Out") ?? _zones.Path, DateOnly.FromDateTime(DateTime.UtcNow), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f));
}
