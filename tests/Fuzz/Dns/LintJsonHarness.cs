using Endpoints.DnsOverride.Linting;

namespace Endpoints.Fuzz.Dns;

/// <summary>lint.json, <c>check</c>'s settings: the settings or errors at FILE:LINE, never both.</summary>
internal sealed class LintJsonHarness : IHarness
{
    private const string Path = "/etc/endpoints/zones/lint.json";

    public string Name => "lint-json";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var bound = AllocationBound.Start(input.Length);
        var (settings, errors) = LintSettingsReader.Read(bytes, Path);
        bound.Check(Name);
        FileErrors.CheckEither(settings, errors.ToList(), Name);
        FileErrors.CheckLocated(errors, Path, Name);
    }
}
