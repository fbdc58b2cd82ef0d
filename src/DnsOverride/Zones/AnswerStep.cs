using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>One RRset of an answer. A null owner stands for the question name (exact or wildcard-synthesised).</summary>
internal readonly record struct AnswerStep(DnsName? Owner, RecordSet Set);
