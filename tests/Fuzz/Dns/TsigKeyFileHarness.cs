using System.Text;
using Endpoints.DnsOverride.Tsig;

namespace Endpoints.Fuzz.Dns;

/// <summary>The TSIG key file (BIND's <c>key "name" { algorithm ...; secret "..."; };</c>): keys or errors at FILE:LINE.</summary>
internal sealed class TsigKeyFileHarness : IHarness
{
    private const string Path = "/etc/endpoints/tsig.key";

    public string Name => "tsig-keys";

    public void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var errors = new List<string>();
        var bound = AllocationBound.Start(input.Length);
        var keys = TsigKeyFile.Parse(text, Path, errors);
        bound.Check(Name);
        FileErrors.CheckLocated(errors, Path, Name);
        foreach (var key in keys)
        {
            PropertyViolation.Unless(key.Secret.Length > 0, $"key {key.Name} has an empty secret");
        }
    }
}
