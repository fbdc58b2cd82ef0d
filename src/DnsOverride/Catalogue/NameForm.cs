namespace Endpoints.DnsOverride.Catalogue;

/// <summary>
/// One form of host name a client reaches a service by. <paramref name="Host"/> is a template: <c>{region}</c>,
/// <c>{suffix}</c> (the partition's DNS suffix) and <c>{dualstack}</c> (its dual-stack suffix) are filled in per
/// region; a <c>*</c> label stands for any one label (a bucket, an account), and a label ending in <c>*</c> for any
/// label with that start. <paramref name="Served"/>: the region's gateway endpoint carries it, so our zones point it at
/// the load balancer; otherwise the name keeps its upstream answer. <paramref name="Why"/> says why, with the AWS
/// document that says so. <paramref name="Region"/> limits a legacy form to the one region that has it.
/// </summary>
internal sealed record NameForm(string Service, string Form, string Host, bool Served, string Why, string? Region = null)
{
    public HostPattern PatternFor(AwsRegion region) => new(
        Host.Replace("{region}", region.Name, StringComparison.Ordinal)
            .Replace("{suffix}", region.Partition.DnsSuffix, StringComparison.Ordinal)
            .Replace("{dualstack}", region.Partition.DualStackSuffix, StringComparison.Ordinal));

    public bool AppliesTo(AwsRegion region) => Region is null || Region == region.Name;
}
