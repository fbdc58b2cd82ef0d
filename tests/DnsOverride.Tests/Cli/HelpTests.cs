using Endpoints.DnsOverride.Cli;
using Endpoints.DnsOverride.Configuration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Cli;

/// <summary>
/// <c>--help</c> is made from the flags and the options' defaults, so it lists every flag; the docs name every flag and
/// every setting, so nothing is configurable that only the code knows of.
/// </summary>
public sealed class HelpTests
{
    [Fact]
    public async Task HelpListsEveryFlagWithItsSettingAndTheDocsNameEachFlagAndSetting()
    {
        var (exit, output) = await Tools.RunAsync("dotnet", DnsServerProcess.ServerDll, "--help");

        Assert.Equal(0, exit);
        Assert.Contains("DnsOverride:Listen; repeatable; default 127.0.0.1:1053", output, StringComparison.Ordinal);
        Assert.Empty(SettingsDocumentation.Missing(output, [.. DnsOverrideCommandLine.Flags.Select(f => (f.Name, f.Key))], typeof(DnsOverrideOptions), DnsOverrideOptions.Section));
    }
}
