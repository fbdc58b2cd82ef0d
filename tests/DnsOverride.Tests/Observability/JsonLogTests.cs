using System.Text.Json;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Observability;

/// <summary>--log-format json: one JSON object per line, the query's fields as properties, for log shippers.</summary>
[Trait("Category", "Integration")]
public sealed class JsonLogTests
{
    [Fact]
    public async Task EachQueryIsOneJsonLineWithItsFields()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--log-format", "json"]);

        await DnsWire.ExchangeUdpAsync(server.Port, DnsWire.BuildQuery("json-log.example.test", 28));
        Assert.True(await server.Process.WaitForOutputAsync("json-log.example.test", TimeSpan.FromSeconds(10)), server.Output);

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        using var query = JsonDocument.Parse(lines.Single(l => l.Contains("json-log.example.test", StringComparison.Ordinal)));
        var state = query.RootElement.GetProperty("State");
        Assert.Equal("json-log.example.test.", state.GetProperty("Name").GetString());
        Assert.Equal("AAAA", state.GetProperty("Type").GetString());
        Assert.Equal("authoritative", state.GetProperty("Decision").GetString());
        Assert.Equal("NXDOMAIN", state.GetProperty("Rcode").GetString());
        Assert.Equal("Debug", query.RootElement.GetProperty("LogLevel").GetString());
    }
}
