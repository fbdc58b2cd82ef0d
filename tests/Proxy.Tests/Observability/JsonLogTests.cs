using System.Text.Json;
using Endpoints.Proxy.Tests.Integration;

namespace Endpoints.Proxy.Tests.Observability;

/// <summary>--log-format json on the proxy: one JSON object per line, each connection's fields as properties.</summary>
[Trait("Category", "Integration")]
public sealed class JsonLogTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task EachConnectionIsOneJsonLineWithItsFields()
    {
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin, ["--log-format", "json"]);

        await Curl.RunAsync("-s", "-o", "/dev/null", "-x", $"http://127.0.0.1:{proxy.ConnectPort}", $"https://admin.s3.amazonaws.com:{fixture.Origin.TlsPort}/");
        Assert.True(await proxy.Process.WaitForOutputAsync("\"Decision\":\"deny\"", TimeSpan.FromSeconds(10)), proxy.Output);

        var lines = proxy.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        using var connection = JsonDocument.Parse(lines.Single(l => l.Contains("admin.s3.amazonaws.com", StringComparison.Ordinal)));
        var state = connection.RootElement.GetProperty("State");
        Assert.Equal("connect", state.GetProperty("Mode").GetString());
        Assert.Equal("deny", state.GetProperty("Decision").GetString());
        Assert.Equal("no-admin-bucket", state.GetProperty("Rule").GetString());
    }
}
