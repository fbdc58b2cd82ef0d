using Endpoints.Proxy.Cli;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Cli;

/// <summary>
/// <c>--help</c> is made from the flags and the options' defaults, so it lists every flag; the docs name every flag and
/// every setting, so nothing is configurable that only the code knows of.
/// </summary>
public sealed class HelpTests
{
    [Fact]
    public async Task HelpListsEveryFlagWithItsSettingAndTheDocsNameEachFlagAndSetting()
    {
        var (exit, output) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "--help");

        Assert.Equal(0, exit);
        Assert.Contains("Proxy:Connect; default 127.0.0.1:3128", output, StringComparison.Ordinal);
        Assert.Empty(SettingsDocumentation.Missing(output, [.. ProxyCommandLine.Flags.Select(f => (f.Name, f.Key))], typeof(ProxyOptions), ProxyOptions.Section));
    }
}
