namespace Endpoints.DnsOverride.Protocol;

/// <summary>RCODEs (RFC 1035, 6891). Values above 15 need the EDNS extended bits.</summary>
internal static class ResponseCode
{
    public const int NoError = 0;
    public const int FormErr = 1;
    public const int ServFail = 2;
    public const int NXDomain = 3;
    public const int NotImp = 4;
    public const int Refused = 5;
    public const int NotAuth = 9;
    public const int BadVers = 16;

    private static readonly string[] Names =
        ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
         "RCODE11", "RCODE12", "RCODE13", "RCODE14", "RCODE15", "BADVERS"];

    public static string ToName(int rcode) => (uint)rcode < (uint)Names.Length ? Names[rcode] : "RCODE";
}
