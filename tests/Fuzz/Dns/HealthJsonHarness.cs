using Endpoints.DnsOverride.Health;

namespace Endpoints.Fuzz.Dns;

/// <summary>health.json, the health-aware answers' checks: the checks or errors at FILE:LINE, never both.</summary>
internal sealed class HealthJsonHarness : IHarness
{
    private const string Path = "/etc/endpoints/zones/health.json";

    public string Name => "health-json";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var bound = AllocationBound.Start(input.Length);
        var (checks, errors) = HealthChecksReader.Read(bytes, Path);
        bound.Check(Name);
        FileErrors.CheckEither(checks, errors.ToList(), Name);
        FileErrors.CheckLocated(errors, Path, Name);
    }
}
