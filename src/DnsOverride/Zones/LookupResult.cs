using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>What a zone lookup found; <see cref="Handlers.ResponseBuilder"/> turns it into a reply.</summary>
internal struct LookupResult
{
    /// <summary>Longest CNAME chain followed, as BIND's restart limit.</summary>
    public const int MaxChain = 16;

    public LookupOutcome Outcome;

    /// <summary>The zone that produced the final step (its SOA goes into negative answers).</summary>
    public Zone? Zone;

    /// <summary>The first zone matched; metrics count the query against it.</summary>
    public Zone? QueryZone;

    public int AnswerCount;

    public AnswerSteps Answers;

    public Delegation? Referral;

    /// <summary>For <see cref="LookupOutcome.ExternalCname"/>: the name to resolve upstream.</summary>
    public DnsName? ExternalTarget;

    public void Add(AnswerStep step) => Answers[AnswerCount++] = step;
}
