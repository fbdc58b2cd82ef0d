namespace Endpoints.DnsOverride.Handlers;

/// <summary>What the chain did with a query; <see cref="QueryDecisions.Word"/> names it in the query log and metrics.</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum QueryDecision
{
    None,
    Dropped,
    NotImp,
    BadVers,
    FormErr,
    RefusedTransfer,

    /// <summary>A transfer of a transparent zone: a secondary would deny the names it leaves upstream (Streams).</summary>
    RefusedTransparentTransfer,
    Referral,
    Authoritative,
    AuthoritativeChased,

    /// <summary>A CNAME out of our zones could not be chased; <see cref="QueryContext.ForwardStatus"/> says why.</summary>
    ChaseFailed,

    /// <summary>Not our zone, and this client may not recurse.</summary>
    Refused,

    /// <summary>Not our zone, asked with RD=0: a referral to the root, as BIND gives when nothing is cached.</summary>
    NotRecursive,
    Forwarded,

    /// <summary>Not our zone: answered from the cache of forwarded answers.</summary>
    Cached,

    /// <summary>Not our zone: an expired cached answer, because no upstream answered in time (RFC 8767).</summary>
    Stale,

    /// <summary>No upstream answer; <see cref="QueryContext.ForwardStatus"/> says why.</summary>
    ForwardFailed,
    Error,

    /// <summary>A zone transfer (AXFR, or IXFR answered in full or with the SOA when up to date).</summary>
    Transfer,

    /// <summary>A transfer of a name that is not one of our zones' apex: NOTAUTH.</summary>
    NotAuthoritative,

    /// <summary>Signed with a key we do not hold (or with another algorithm): NOTAUTH, TSIG error BADKEY.</summary>
    TsigBadKey,

    /// <summary>A MAC that does not verify: NOTAUTH, TSIG error BADSIG.</summary>
    TsigBadSig,

    /// <summary>Signed further from our clock than its fudge: NOTAUTH, TSIG error BADTIME.</summary>
    TsigBadTime,

    /// <summary>A transfer without a signature while keys are configured: NOTAUTH.</summary>
    TsigMissing,

    /// <summary>A signed request accepted before, sent again: NOTAUTH, TSIG error BADSIG.</summary>
    TsigReplay,

    /// <summary>Over the response rate limit: not sent.</summary>
    RateLimited,

    /// <summary>Over the response rate limit: sent truncated, so a real client retries over TCP.</summary>
    RateSlipped,
}
