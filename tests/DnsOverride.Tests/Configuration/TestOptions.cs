using Endpoints.DnsOverride.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Tests.Configuration;

/// <summary>Options as the host would hand them over: defaults filled in and address settings parsed, with no errors.</summary>
internal static class TestOptions
{
    public static IOptions<DnsOverrideOptions> Create(DnsOverrideOptions options)
    {
        new DnsOverrideOptionsSetup().PostConfigure(null, options);
        Assert.Empty(options.ParseErrors);
        return Options.Create(options);
    }
}
