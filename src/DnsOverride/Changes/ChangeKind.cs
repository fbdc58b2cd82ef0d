namespace Endpoints.DnsOverride.Changes;

/// <summary>What happened to an RRset or a zone between two revisions.</summary>
public enum ChangeKind
{
    Added,
    Removed,

    /// <summary>Its records differ (and maybe its TTL).</summary>
    Changed,

    /// <summary>Only its TTL differs.</summary>
    TtlChanged,
}
