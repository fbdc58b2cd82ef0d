namespace Endpoints.DnsOverride.Zones;

/// <summary>One master-file token; quoted tokens keep their escapes for the RDATA parser.</summary>
internal readonly record struct ZoneToken(string Text, bool Quoted, int Line);
