namespace Endpoints.DnsOverride.Tsig;

/// <summary>What checking a request's TSIG found; the values are the TSIG error codes of RFC 8945 where there is one.</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum TsigStatus
{
    /// <summary>Signed with a key we hold, MAC and time good.</summary>
    Valid = 0,

    /// <summary>No TSIG record.</summary>
    NoSignature = -1,

    /// <summary>A TSIG record that does not parse, or not last: FORMERR.</summary>
    Malformed = -2,

    BadSig = 16,
    BadKey = 17,
    BadTime = 18,
}
