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
        Assert.All(DnsOverrideCommandLine.Flags, flag => Assert.Contains($"  {flag.Name} ", output, StringComparison.Ordinal));
        Assert.Contains("DnsOverride:Listen; repeatable; default 127.0.0.1:1053", output, StringComparison.Ordinal);
        Assert.Empty(DnsOverrideCommandLine.Flags.Where(f => !SettingsDocumentation.Text.Contains(f.Name, StringComparison.Ordinal)).Select(f => f.Name));
        Assert.Empty(SettingsDocumentation.Undocumented(typeof(DnsOverrideOptions),
            name => DnsOverrideCommandLine.Flags.FirstOrDefault(f => f.Key == $"{DnsOverrideOptions.Section}:{name}")?.Name));
    }
}
