using Endpoints.Common.Configuration;
using Endpoints.Proxy.Configuration;
using Microsoft.Extensions.Configuration;

namespace Endpoints.Proxy.Tests.Configuration;

public sealed class KnownKeysValidatorTests
{
    [Theory]
    [InlineData("Proxy:IdleTimout", "unknown setting 'Proxy:IdleTimout'; did you mean 'IdleTimeout'?")]
    [InlineData("Proxy:AllowRanges:0", "unknown setting 'Proxy:AllowRanges'; did you mean 'AllowRange'?")]
    [InlineData("Proxy:MaxConnection", "unknown setting 'Proxy:MaxConnection'; did you mean 'MaxConnections'?")]
    [InlineData("Proxy:Whatever", "unknown setting 'Proxy:Whatever'")]
    public void NamesTheUnknownKeyAndTheClosestSetting(string key, string error)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = "1", ["Proxy:Connect"] = "127.0.0.1:1" }).Build();

        var result = new KnownKeysValidator<ProxyOptions>(configuration, ProxyOptions.Section).Validate(null, new ProxyOptions());

        Assert.Equal([error], result.Failures);
    }

    [Fact]
    public void AcceptsEverySettingInAnyCase()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["proxy:connect"] = "127.0.0.1:1",
            ["Proxy:AllowRange:0"] = "10.0.0.0/8",
            ["Proxy:DrainTimeout"] = "00:00:01",
            ["Other:Key"] = "x",
        }).Build();

        Assert.True(new KnownKeysValidator<ProxyOptions>(configuration, ProxyOptions.Section).Validate(null, new ProxyOptions()).Succeeded);
    }
}
