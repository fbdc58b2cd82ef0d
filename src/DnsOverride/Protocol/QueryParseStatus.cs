namespace Endpoints.DnsOverride.Protocol;

internal enum QueryParseStatus
{
    Ok,

    /// <summary>Not a query we may answer (too short, or a response): stay silent.</summary>
    Drop,
    FormErr,
    NotImp,
    BadVers,
}
