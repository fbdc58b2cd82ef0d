using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// The shipped DynamoDB zone overrides the endpoint's own name and nothing below it (zones/transparent.json): DynamoDB
/// Streams (<c>streams.dynamodb.us-east-1.amazonaws.com</c>, which a gateway endpoint does not serve) and every other
/// name under it get their real answer, here from BIND standing in for AWS's servers, never an NXDOMAIN of ours.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TransparentZoneTests
{
    private const string Zone = "dynamodb.us-east-1.amazonaws.com";

    private static async Task<(TempDirectory Ours, TempDirectory Aws, ConfiguredProcess Upstream)> StartAwsAsync()
    {
        var ours = new TempDirectory();
        File.Copy(Path.Combine(BuiltProgram.Repository, "zones", Zone + ".zone"), Path.Combine(ours.Path, Zone + ".zone"));
        File.Copy(Path.Combine(BuiltProgram.Repository, "zones", "transparent.json"), Path.Combine(ours.Path, "transparent.json"));
        var aws = new TempDirectory();
        var real = aws.Write(Zone + ".zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n@ A 3.218.182.1\nstreams A 3.218.182.2\n");
        return (ours, aws, await NamedProcess.StartAuthoritativeAsync([(Zone, real)]));
    }

    [Fact]
    public async Task StreamsGetsItsRealAnswerAndAMissingNameTheRealNxdomain()
    {
        var (ours, aws, upstream) = await StartAwsAsync();
        using var oursFolder = ours;
        using var awsFolder = aws;
        using var named = upstream;
        using var server = await DnsServerProcess.StartAsync(ours.Path, [$"127.0.0.1:{upstream.Port}"]);

        var apex = await Dig.QueryAsync(server.Port, Zone);
        var streams = await Dig.QueryAsync(server.Port, "+short", "streams." + Zone);
        var missing = await Dig.QueryAsync(server.Port, "nothere." + Zone);
        var iterative = await Dig.QueryAsync(server.Port, "+norecurse", "streams." + Zone);

        Assert.Contains("aa", apex.Flags);
        Assert.Contains("10.200.0.10", apex.Output, StringComparison.Ordinal);
        Assert.Equal("3.218.182.2", streams.Output.Trim());
        Assert.Equal("NXDOMAIN", missing.Status);
        Assert.DoesNotContain("aa", missing.Flags);
        // Without recursion there is nothing to fall through to: the zone's own answer, as BIND's.
        Assert.Equal("NXDOMAIN", iterative.Status);
        Assert.Contains("aa", iterative.Flags);
    }

    [Fact]
    public async Task WithoutTransparentJsonTheZoneAnswersFromItselfAloneAndABrokenOneKeepsTheLastGood()
    {
        var (ours, aws, upstream) = await StartAwsAsync();
        using var oursFolder = ours;
        using var awsFolder = aws;
        using var named = upstream;
        var transparent = Path.Combine(ours.Path, "transparent.json");
        File.Move(transparent, transparent + ".off");
        using var server = await DnsServerProcess.StartAsync(ours.Path, [$"127.0.0.1:{upstream.Port}"]);

        var streams = await Dig.QueryAsync(server.Port, "streams." + Zone);
        Assert.Equal("NXDOMAIN", streams.Status);
        Assert.Contains("aa", streams.Flags);

        // Added by a reload: Streams is forwarded from then on.
        File.Move(transparent + ".off", transparent);
        server.Process.Signal(Signals.SIGHUP);
        var forwarded = await Eventually.PollAsync(() => Dig.QueryAsync(server.Port, "+short", "streams." + Zone), d => d.Output.Trim() == "3.218.182.2", TimeSpan.FromSeconds(10));
        Assert.True(forwarded.Done, server.Output);

        // A broken file is an error at its line, and the zones it last named stay transparent.
        File.WriteAllText(transparent, "{\n  \"zones\": [\"dynamodb.us-east-1.amazonaws.com\"],\n  \"zone\": []\n}\n");
        server.Process.Signal(Signals.SIGHUP);
        Assert.True(await server.Process.WaitForMatchAsync(@"transparent\.json:3:\d+: unknown key 'zone'", TimeSpan.FromSeconds(10)), server.Output);
        Assert.Equal("3.218.182.2", (await Dig.QueryAsync(server.Port, "+short", "streams." + Zone)).Output.Trim());
    }

    /// <summary>
    /// No shipped zone says on its own word (AA) that a name under it does not exist: each either answers it (a
    /// wildcard) or falls through to the upstream, here a stand-in for AWS that knows every name but the ones probed.
    /// </summary>
    [Fact]
    public async Task NoShippedZoneAnswersNxdomainOfItsOwnToARecursiveQuery()
    {
        var shipped = Path.Combine(BuiltProgram.Repository, "zones");
        using var aws = new TempDirectory();
        var real = aws.Write("amazonaws.com.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n");
        using var upstream = await NamedProcess.StartAuthoritativeAsync([("amazonaws.com", real)]);
        using var server = await DnsServerProcess.StartAsync(shipped, [$"127.0.0.1:{upstream.Port}"]);

        var denied = new List<string>();
        foreach (var file in Directory.GetFiles(shipped, "*.zone"))
        {
            var zone = Path.GetFileNameWithoutExtension(file);
            foreach (var name in new[] { "streams." + zone, "nothere-7f3a." + zone, "a.b." + zone })
            {
                var dig = await Dig.QueryAsync(server.Port, name);
                if (dig.Status == "NXDOMAIN" && dig.Flags.Contains("aa"))
                {
                    denied.Add(name);
                }
            }
        }

        Assert.True(Directory.GetFiles(shipped, "*.zone").Length >= 5);
        Assert.True(denied.Count == 0, "NXDOMAIN on our own word for: " + string.Join(", ", denied));
    }
}
