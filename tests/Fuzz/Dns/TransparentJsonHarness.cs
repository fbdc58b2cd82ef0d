using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.Fuzz.Dns;

/// <summary>transparent.json, the zones whose missing names keep the upstream's answer: only zones of the folder, or errors at FILE:LINE.</summary>
internal sealed class TransparentJsonHarness : IHarness
{
    private const string Path = "/etc/endpoints/zones/transparent.json";

    private static readonly HashSet<DnsName> Origins = [DnsName.Parse("s3.amazonaws.com."), DnsName.Parse("dynamodb.us-east-1.amazonaws.com.")];

    public string Name => "transparent-json";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var bound = AllocationBound.Start(input.Length);
        var (zones, errors) = TransparentZonesReader.Read(bytes, Path, Origins);
        bound.Check(Name);
        FileErrors.CheckEither(zones, errors.ToList(), Name);
        FileErrors.CheckLocated(errors, Path, Name);
        PropertyViolation.Unless(zones is null || zones.All(Origins.Contains), "a transparent zone that is not a zone of the folder");
    }
}
