using System.Runtime.CompilerServices;

namespace Endpoints.DnsOverride.Zones;

/// <summary>Fixed room for a CNAME chain, so a lookup allocates nothing.</summary>
[InlineArray(LookupResult.MaxChain)]
internal struct AnswerSteps
{
    private AnswerStep _element;
}
