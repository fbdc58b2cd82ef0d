using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Zones;

/// <summary>
/// Our parser accepts what named-checkzone accepts and rejects what it rejects, on the same text; a rejection
/// names the file and line.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CheckzoneParityTests
{
    private const string Head = """
        $TTL 1h
        @ IN SOA ns hostmaster 1 2h 1h 1w 5m
        @ NS ns
        ns A 10.0.0.1

        """;

    public static TheoryData<string, string> Cases => new()
    {
        { "ttl units and owner ns", "www 1h30m IN A 10.0.0.2\nx 1W2d3h4m5s A 10.0.0.3\n" },
        { "ttl zero", "www 0 A 10.0.0.2\n" },
        { "class then ttl", "www IN 300 A 10.0.0.2\n" },
        { "lowercase class and type", "www in a 10.0.0.2\n" },
        { "blank owner", "www A 10.0.0.2\n  AAAA 2001:db8::2\n\tTXT \"x\"\n" },
        { "parentheses and comments", "www ( 300 ; ttl\n IN\n A ; type\n 10.0.0.2 ) ; done\n" },
        { "origin change", "$ORIGIN sub.example.com.\nwww A 10.0.0.2\n$ORIGIN example.com.\nw2 A 10.0.0.3\n" },
        { "absolute names", "www.example.com. A 10.0.0.2\nc CNAME www.example.com.\n" },
        { "quoted escapes", "t TXT \"a \\\"quoted\\\" word\" \"semi;colon\" \"\\065\\066\" plain\n" },
        { "mx srv ptr caa", "@ MX 10 mail\nmail A 10.0.0.25\n_s._tcp SRV 1 2 443 www\nwww A 10.0.0.2\np PTR www\n@ CAA 0 issue \"amazon.com\"\n" },
        { "generic rdata", "x TYPE65280 \\# 3 abcdef\ny A \\# 4 0a000002\n" },
        { "wildcards", "* A 10.0.0.9\n*.sub A 10.0.0.10\n" },
        { "delegation with glue", "sub NS ns.sub\nns.sub A 10.0.0.53\n" },
        { "out of zone data is ignored", "www.example.org. A 10.0.0.2\n" },
        { "duplicates", "www A 10.0.0.2\nwww A 10.0.0.2\n" },
        { "different ttls in an rrset", "www 10 A 10.0.0.2\nwww 20 A 10.0.0.3\n" },
        { "escaped dot in label", "a\\.b A 10.0.0.2\n" },
        { "txt 255 bytes", $"t TXT \"{new string('x', 255)}\"\n" },
        { "cname chain", "a CNAME b\nb CNAME c\nc A 10.0.0.2\n" },
        { "no newline at end", "www A 10.0.0.2" },
        { "cname and other data", "www CNAME x\nwww A 10.0.0.2\n" },
        { "two cnames", "www CNAME x\nwww CNAME y\n" },
        { "bad dotted quad", "www A 10.0.0\n" },
        { "bad ipv6", "www AAAA 2001:db8::g\n" },
        { "txt too long", $"t TXT \"{new string('x', 256)}\"\n" },
        { "soa not at top", "sub SOA ns hostmaster 1 2 3 4 5\n" },
        { "unknown type", "www FOO 1\n" },
        { "class chaos", "www CH A 10.0.0.2\n" },
        { "wildcard ns", "* NS ns\n" },
        { "apex ns without address", "@ NS ns2\n" },
        { "unbalanced parentheses", "www ( A 10.0.0.2\n" },
        { "unterminated quote", "t TXT \"abc\n" },
        { "missing rdata", "www A\n" },
        { "extra rdata", "www A 10.0.0.2 10.0.0.3\n" },
        { "label over 63", $"{new string('a', 64)} A 10.0.0.2\n" },
        { "bad ttl unit", "www 1x A 10.0.0.2\n" },
        { "empty label", "a..b A 10.0.0.2\n" },
        { "mx preference not a number", "@ MX ten mail\n" },
        { "missing include", "$INCLUDE does-not-exist.inc\n" },
        { "srv port too big", "_s._tcp SRV 1 2 70000 www\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SameVerdictAsNamedCheckzone(string name, string body)
    {
        using var directory = new TempDirectory();
        var file = directory.Write("example.com.zone", Head + body);
        var (exit, output) = await Tools.RunAsync("named-checkzone", "-q", "example.com", file);
        var namedAccepts = exit == 0;

        var errors = new List<ZoneError>();
        var zone = ZoneLoader.LoadFile(file, ZoneLimits.Default, errors);
        var ours = errors.Where(e => !e.IsWarning).ToList();

        Assert.True(namedAccepts == (zone is not null),
            $"{name}: named-checkzone {(namedAccepts ? "accepts" : "rejects")} ({output.Trim()}), ours {(zone is null ? "rejects" : "accepts")}: {string.Join("; ", ours)}");
        if (zone is null)
        {
            Assert.NotEmpty(ours);
            Assert.All(ours, e => Assert.Equal(file, e.File));
        }
    }

    [Fact]
    public void RejectionsNameTheLine()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("example.com.zone", Head + "ok A 10.0.0.2\nbad A 300.0.0.1\n  TXT \"fine\"\nworse AAAA nope\n");
        var errors = new List<ZoneError>();

        Assert.Null(ZoneLoader.LoadFile(file, ZoneLimits.Default, errors));
        Assert.Collection(
            errors.Where(e => !e.IsWarning),
            e => Assert.StartsWith($"{file}:6: A: bad dotted quad", e.ToString(), StringComparison.Ordinal),
            e => Assert.StartsWith($"{file}:8: AAAA: bad IPv6 address", e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void IncludeAndTtlZeroAreKept()
    {
        using var directory = new TempDirectory();
        directory.Write("hosts.inc", "www 0 A 10.0.0.2\n");
        var file = directory.Write("example.com.zone", Head + "$INCLUDE hosts.inc\n");
        var errors = new List<ZoneError>();

        var zone = ZoneLoader.LoadFile(file, ZoneLimits.Default, errors);

        Assert.NotNull(zone);
        var www = zone.Find(DnsName.Parse("www.example.com.").Key)!.Get(RecordType.A)!;
        Assert.Equal(0u, www.Ttl);
    }
}
