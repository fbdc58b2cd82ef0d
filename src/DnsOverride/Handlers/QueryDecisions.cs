using Endpoints.DnsOverride.Forwarding;

namespace Endpoints.DnsOverride.Handlers;

internal static class QueryDecisions
{
    /// <summary>The word for logs and the <c>dns.dropped</c> tag; failed forwards and chases name their cause.</summary>
    public static string Word(QueryDecision decision, ForwardStatus status) => decision switch
    {
        QueryDecision.Dropped => "dropped",
        QueryDecision.NotImp => "notimp",
        QueryDecision.BadVers => "badvers",
        QueryDecision.FormErr => "formerr",
        QueryDecision.RefusedTransfer => "refused-transfer",
        QueryDecision.RefusedTransparentTransfer => "refused-transfer-transparent-zone",
        QueryDecision.Referral => "referral",
        QueryDecision.Authoritative => "authoritative",
        QueryDecision.AuthoritativeChased => "authoritative+chased",
        QueryDecision.ChaseFailed => status == ForwardStatus.Overload ? "overload" : "chase-" + status.Word(),
        QueryDecision.Refused => "refused",
        QueryDecision.NotRecursive => "not-recursive",
        QueryDecision.Forwarded => "forwarded",
        QueryDecision.Cached => "cached",
        QueryDecision.Stale => "stale",
        QueryDecision.ForwardFailed => status == ForwardStatus.Overload ? "overload" : "forward-" + status.Word(),
        QueryDecision.Error => "error",
        QueryDecision.Transfer => "transfer",
        QueryDecision.NotAuthoritative => "notauth",
        QueryDecision.TsigBadKey => "tsig-badkey",
        QueryDecision.TsigBadSig => "tsig-badsig",
        QueryDecision.TsigBadTime => "tsig-badtime",
        QueryDecision.TsigMissing => "tsig-missing",
        QueryDecision.TsigReplay => "tsig-replay",
        QueryDecision.RateLimited => "rate-limited",
        QueryDecision.RateSlipped => "rate-slipped",
        _ => "-",
    };
}
