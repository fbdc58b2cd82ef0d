namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// What one zone may cost and where its files may come from. Zone files arrive by pull request and <c>check</c>
/// runs in CI, so a file may not grow without bound nor read what lies outside the zones folder.
/// </summary>
/// <param name="MaxFileBytes">Bytes of zone text per zone, its <c>$INCLUDE</c>d files counted in.</param>
/// <param name="MaxRecords">Records per zone.</param>
/// <param name="AllowOutsideFolder">Whether a zone file or <c>$INCLUDE</c> may resolve (through links too) outside the zones folder.</param>
internal sealed record ZoneLimits(long MaxFileBytes, int MaxRecords, bool AllowOutsideFolder)
{
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;
    public const int DefaultMaxRecords = 1_000_000;

    public static ZoneLimits Default { get; } = new(DefaultMaxFileBytes, DefaultMaxRecords, AllowOutsideFolder: false);
}
