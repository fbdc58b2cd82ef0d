namespace Endpoints.DnsOverride.Zones;

/// <summary>A logical master-file line: parentheses joined, comments dropped.</summary>
internal sealed record ZoneEntry(IReadOnlyList<ZoneToken> Tokens, bool BlankOwner, int Line);
