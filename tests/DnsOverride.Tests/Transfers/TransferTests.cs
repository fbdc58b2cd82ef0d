using System.Text.RegularExpressions;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Transfers;

/// <summary>Zone transfers seen by dig and by BIND as a corporate secondary, against BIND as the reference primary.</summary>
[Trait("Category", "Integration")]
public sealed partial class TransferTests
{
    public const string KeyName = "xfr-key";
    public const string Secret = "irOKs6HZ/3PkQp/L6zpuN6feqMBf00GxF87ttSnLb44=";

    public static string KeyFile(TempDirectory directory, string name = KeyName, string secret = Secret) =>
        directory.Write($"{name}.conf", $"key \"{name}\" {{\n\talgorithm hmac-sha256;\n\tsecret \"{secret}\";\n}};\n");

    [Fact]
    public async Task AxfrOfEveryZoneEqualsBindsOnTheSameFiles()
    {
        using var directory = new TempDirectory();
        var zones = TestZones.CopyAll(directory);
        using var named = await NamedProcess.StartAuthoritativeAsync(zones, "allow-transfer { any; };");
        using var ours = await DnsServerProcess.StartAsync(directory.Path, extra: ["--allow-transfer", "127.0.0.1/32"]);

        foreach (var (origin, _) in zones)
        {
            var expected = Records(await Dig.QueryAsync(named.Port, origin, "AXFR"));
            var actual = Records(await Dig.QueryAsync(ours.Port, origin, "AXFR"));

            Assert.True(expected.Count > 2, $"{origin}: named sent {expected.Count} records");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task TransfersNeedAnAllowedAddressAndAValidSignature()
    {
        using var directory = new TempDirectory();
        TestZones.CopyAll(directory);
        using var keys = new TempDirectory();
        var keyFile = KeyFile(keys);
        using var closed = await DnsServerProcess.StartAsync(directory.Path, extra: ["--allow-transfer", "192.0.2.0/24"]);
        using var signed = await DnsServerProcess.StartAsync(directory.Path, extra: ["--allow-transfer", "127.0.0.1/32", "--tsig-keys", keyFile]);

        var notAllowed = await Dig.QueryAsync(closed.Port, "s3.amazonaws.com", "AXFR");
        var unsigned = await Dig.QueryAsync(signed.Port, "s3.amazonaws.com", "AXFR");
        var wrongSecret = await Dig.QueryAsync(signed.Port, "-y", $"hmac-sha256:{KeyName}:{Convert.ToBase64String(new byte[32])}", "s3.amazonaws.com", "AXFR");
        var unknownKey = await Dig.QueryAsync(signed.Port, "-y", $"hmac-sha256:other-key:{Secret}", "s3.amazonaws.com", "AXFR");
        var good = await Dig.QueryAsync(signed.Port, "-y", $"hmac-sha256:{KeyName}:{Secret}", "s3.amazonaws.com", "AXFR");
        var notAZone = await Dig.QueryAsync(signed.Port, "-y", $"hmac-sha256:{KeyName}:{Secret}", "www.example.test", "AXFR");

        Assert.Contains("Transfer failed", notAllowed.Output, StringComparison.Ordinal);
        Assert.True(await closed.Process.WaitForMatchAsync(@"s3\.amazonaws\.com\. AXFR tcp decision=refused-transfer rcode=REFUSED", TimeSpan.FromSeconds(5)), closed.Output);
        Assert.Contains("Transfer failed", unsigned.Output, StringComparison.Ordinal);
        Assert.Contains("BADSIG", wrongSecret.Output, StringComparison.Ordinal);
        Assert.Contains("BADKEY", unknownKey.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer failed", good.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("verify failure", good.Output, StringComparison.Ordinal);
        Assert.Matches(@"XFR size: \d+ records", good.Output);
        Assert.Contains("Transfer failed", notAZone.Output, StringComparison.Ordinal);
        foreach (var decision in new[] { "tsig-missing rcode=NOTAUTH", "tsig-badsig rcode=NOTAUTH", "tsig-badkey rcode=NOTAUTH", "transfer rcode=NOERROR" })
        {
            Assert.True(await signed.Process.WaitForMatchAsync($@"s3\.amazonaws\.com\. AXFR tcp decision={decision}", TimeSpan.FromSeconds(5)), signed.Output);
        }

        Assert.True(await signed.Process.WaitForMatchAsync(@"www\.example\.test\. AXFR tcp decision=notauth rcode=NOTAUTH", TimeSpan.FromSeconds(5)), signed.Output);
    }

    [Fact]
    public async Task IxfrFromTheCurrentSerialGetsTheSoaAloneAndFromAnOlderOneTheZone()
    {
        using var directory = new TempDirectory();
        TestZones.CopyAll(directory);
        using var ours = await DnsServerProcess.StartAsync(directory.Path, extra: ["--allow-transfer", "127.0.0.1/32"]);

        var current = await Dig.QueryAsync(ours.Port, "s3.amazonaws.com", "IXFR=2026120400");
        var older = await Dig.QueryAsync(ours.Port, "s3.amazonaws.com", "IXFR=2026112400");
        var overUdp = await Dig.QueryAsync(ours.Port, "+notcp", "s3.amazonaws.com", "IXFR=2026112400");

        Assert.Single(Records(current));
        Assert.Contains(" SOA ", Records(current)[0], StringComparison.Ordinal);
        Assert.Equal(Records(await Dig.QueryAsync(ours.Port, "s3.amazonaws.com", "AXFR")), Records(older));
        Assert.Single(Records(overUdp));
    }

    [Fact]
    public async Task AHundredThousandRecordsTransferSignedInManyMessages()
    {
        using var directory = new TempDirectory();
        using var keys = new TempDirectory();
        var zone = "$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.0.0.53\n" +
            string.Concat(Enumerable.Range(0, 100_000).Select(i => $"host-{i} A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n"));
        directory.Write("large.test.zone", zone);
        using var ours = await DnsServerProcess.StartAsync(directory.Path, extra: ["--allow-transfer", "127.0.0.1/32", "--tsig-keys", KeyFile(keys)]);

        var dig = await Dig.QueryAsync(ours.Port, "-y", $"hmac-sha256:{KeyName}:{Secret}", "large.test", "AXFR");

        // dig checks the MAC of every message; 100,004 records: two SOAs, the NS, its address, the hosts.
        var size = XfrSize().Match(dig.Output);
        Assert.True(size.Success, dig.Output[^Math.Min(dig.Output.Length, 2000)..]);
        Assert.Equal("100004", size.Groups[1].Value);
        Assert.True(int.Parse(size.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 50, size.Value);
    }

    /// <summary>
    /// Records of a dig AXFR, sorted, whitespace folded, comments left out. Owner names in lower case: BIND keeps the
    /// case a zone file spells them in, we fold them (both allowed, RFC 4343 4.1); record data compares exactly.
    /// </summary>
    private static List<string> Records(Dig dig) =>
        [.. dig.Output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';')).Select(l => Whitespace().Replace(l.Trim(), " "))
            .Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)].ToLowerInvariant() + l[l.IndexOf(' ', StringComparison.Ordinal)..]).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"XFR size: (\d+) records \(messages (\d+)")]
    private static partial Regex XfrSize();
}
