namespace Endpoints.DnsOverride.Zones;

/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum LookupOutcome
{
    /// <summary>The name is in none of our zones: the next handler decides.</summary>
    NotAuthoritative,
    Answer,
    NoData,
    NameError,
    Delegation,

    /// <summary>A CNAME chain from our zones leads to a name outside them.</summary>
    ExternalCname,
}
