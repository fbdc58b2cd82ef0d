namespace Endpoints.DnsOverride.Protocol;

/// <summary>RR type numbers (RFC 1035, 3596, 2782, 6891, 8659) and their mnemonics.</summary>
internal static class RecordType
{
    public const ushort A = 1;
    public const ushort NS = 2;
    public const ushort CNAME = 5;
    public const ushort SOA = 6;
    public const ushort PTR = 12;
    public const ushort MX = 15;
    public const ushort TXT = 16;
    public const ushort AAAA = 28;
    public const ushort SRV = 33;
    public const ushort DNAME = 39;
    public const ushort OPT = 41;
    public const ushort DS = 43;
    public const ushort RRSIG = 46;
    public const ushort NSEC = 47;
    public const ushort IXFR = 251;
    public const ushort AXFR = 252;
    public const ushort ANY = 255;
    public const ushort CAA = 257;

    private static readonly (ushort Type, string Name)[] Known =
    [
        (A, "A"), (NS, "NS"), (CNAME, "CNAME"), (SOA, "SOA"), (PTR, "PTR"), (MX, "MX"), (TXT, "TXT"),
        (AAAA, "AAAA"), (SRV, "SRV"), (DNAME, "DNAME"), (OPT, "OPT"), (DS, "DS"), (RRSIG, "RRSIG"),
        (NSEC, "NSEC"), (IXFR, "IXFR"), (AXFR, "AXFR"), (ANY, "ANY"), (CAA, "CAA"),
        (13, "HINFO"), (48, "DNSKEY"), (50, "NSEC3"), (64, "SVCB"), (65, "HTTPS"),
    ];

    private static readonly string[] Names = new string[ushort.MaxValue + 1];

    private static readonly bool[] IsKnownTable = new bool[ushort.MaxValue + 1];

    private static readonly Dictionary<string, ushort> ByName =
        Known.ToDictionary(k => k.Name, k => k.Type, StringComparer.OrdinalIgnoreCase);

    static RecordType()
    {
        foreach (var (type, name) in Known)
        {
            Names[type] = name;
            IsKnownTable[type] = true;
        }
    }

    /// <summary>The mnemonic, or TYPEnnn (RFC 3597); cached so metrics and logs do not allocate.</summary>
    public static string ToName(ushort type) =>
        Names[type] ??= "TYPE" + type.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsKnown(ushort type) => IsKnownTable[type];

    public static bool TryParse(string text, out ushort type)
    {
        if (ByName.TryGetValue(text, out type))
        {
            return true;
        }

        return text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase) &&
            ushort.TryParse(text.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out type);
    }
}
