using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>curl through each mode of the real proxy, to a real TLS origin, with names resolved by our DNS server.</summary>
[Trait("Category", "Integration")]
public sealed class ProxyModesTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private ProxyProcess Proxy => fixture.Proxy;

    private string Ca => fixture.Certificates.CaFile;

    [Fact]
    public async Task ConnectModeRelaysTlsToTheOrigin()
    {
        var (exit, output) = await Curl.RunAsync("--cacert", Ca, "-x", $"http://127.0.0.1:{Proxy.ConnectPort}",
            $"https://connect-relay.s3.amazonaws.com:{fixture.Origin.TlsPort}/key");

        Assert.True(exit == 0, output);
        Assert.Contains($"origin host=connect-relay.s3.amazonaws.com:{fixture.Origin.TlsPort} path=/key", output, StringComparison.Ordinal);
        Assert.True(await Proxy.Process.WaitForMatchAsync(
            $@"mode=connect dest=connect-relay\.s3\.amazonaws\.com:{fixture.Origin.TlsPort} \(127\.0\.0\.1:\d+\) decision=allow rule=corp-to-aws", TimeSpan.FromSeconds(10)), Proxy.Output);
    }

    [Theory]
    [InlineData("admin.s3.amazonaws.com", "denied by rule")]
    [InlineData("www.example.org", "no rule matched")]
    public async Task ConnectModeRefusesWithA403AndNeverConnects(string host, string reason)
    {
        var before = fixture.Origin.Connections;

        var (exit, output) = await Curl.RunAsync("-v", "--cacert", Ca, "-x", $"http://127.0.0.1:{Proxy.ConnectPort}", $"https://{host}:{fixture.Origin.TlsPort}/");

        Assert.NotEqual(0, exit);
        Assert.Contains("HTTP/1.1 403 Forbidden", output, StringComparison.Ordinal);
        Assert.True(await Proxy.Process.WaitForMatchAsync(
            $@"dest={Regex.Escape(host)}:{fixture.Origin.TlsPort} decision=deny rule=\S+ reason=""[^""]*{reason}", TimeSpan.FromSeconds(10)), Proxy.Output);
        Assert.Equal(before, fixture.Origin.Connections);
    }

    [Fact]
    public async Task ConnectModeRefusesAddressesTheGuardForbids()
    {
        var (exit, output) = await Curl.RunAsync("-v", "--cacert", Ca, "-x", $"http://127.0.0.1:{Proxy.ConnectPort}", $"https://imds.s3.amazonaws.com:{fixture.Origin.TlsPort}/");

        Assert.NotEqual(0, exit);
        Assert.Contains("HTTP/1.1 403 Forbidden", output, StringComparison.Ordinal);
        Assert.True(await Proxy.Process.WaitForMatchAsync(
            $@"dest=imds\.s3\.amazonaws\.com:{fixture.Origin.TlsPort} decision=deny rule=guard reason=""169\.254\.169\.254 is link-local", TimeSpan.FromSeconds(10)), Proxy.Output);
    }

    [Fact]
    public async Task TlsModeRoutesBySni()
    {
        var (exit, output) = await Curl.RunAsync("--cacert", Ca, "--resolve", $"mybucket.s3.amazonaws.com:{Proxy.TlsPort}:127.0.0.1",
            $"https://mybucket.s3.amazonaws.com:{Proxy.TlsPort}/object");

        Assert.True(exit == 0, output);
        Assert.Contains("path=/object", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsModeRefusesDeniedNamesAndMissingSni()
    {
        var before = fixture.Origin.Connections;

        var (denied, deniedOutput) = await Curl.RunAsync("--cacert", Ca, "--resolve", $"admin.s3.amazonaws.com:{Proxy.TlsPort}:127.0.0.1",
            $"https://admin.s3.amazonaws.com:{Proxy.TlsPort}/");
        var (noSni, noSniOutput) = await Curl.RunAsync("-k", $"https://127.0.0.1:{Proxy.TlsPort}/");

        Assert.NotEqual(0, denied);
        Assert.Contains("access denied", deniedOutput, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(0, noSni);
        Assert.Contains("unrecognized name", noSniOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, fixture.Origin.Connections);
    }

    [Fact]
    public async Task HttpModeRoutesByHost()
    {
        var (exit, output) = await Curl.RunAsync("-H", "Host: mybucket.s3.amazonaws.com", $"http://127.0.0.1:{Proxy.HttpPort}/plain");

        Assert.True(exit == 0, output);
        Assert.Contains("origin host=mybucket.s3.amazonaws.com path=/plain", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\nHost: admin.s3.amazonaws.com\r\n\r\n", "several Host headers")]
    [InlineData("GET http://admin.s3.amazonaws.com/secret HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\n\r\n", "is not for Host")]
    [InlineData("POST / HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "both Content-Length and Transfer-Encoding")]
    public async Task HttpModeRefusesAmbiguousRequests(string request, string reason)
    {
        var before = fixture.Origin.Connections;

        var answer = await SendHttpAsync(request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer, StringComparison.Ordinal);
        Assert.Contains(reason, answer, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Origin.Connections);
    }

    /// <summary>The origin gets the first request with Connection: close, so a second request cannot ride along to another Host.</summary>
    [Fact]
    public async Task HttpModeLetsTheOriginServeOneRequestPerConnection()
    {
        var answer = await SendHttpAsync(
            "GET /one HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\nConnection: keep-alive\r\n\r\nGET /two HTTP/1.1\r\nHost: admin.s3.amazonaws.com\r\n\r\n");

        Assert.Contains("origin host=mybucket.s3.amazonaws.com path=/one connection=close", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", answer, StringComparison.Ordinal);
    }

    /// <summary>Heads a lenient origin would read with another Host or framing than ours never reach it (RFC 9112 2.2, 5.1).</summary>
    [Theory]
    [InlineData("GET /smuggle HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\nHost: admin.s3.amazonaws.com\r\n\r\n")]
    [InlineData("POST /smuggle HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\nContent-Length: 5\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET /smuggle HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\rHost: admin.s3.amazonaws.com\r\n\r\n")]
    [InlineData("POST /smuggle HTTP/1.1\r\nHost: mybucket.s3.amazonaws.com\r\nTransfer-Encoding\t: chunked\r\nContent-Length: 5\r\n\r\n")]
    public async Task HttpModeRefusesHeadsThatOthersReadDifferently(string request)
    {
        var answer = await SendHttpAsync(request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("origin host=", answer, StringComparison.Ordinal);
    }

    private async Task<string> SendHttpAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Proxy.HttpPort);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
        return await new StreamReader(client.GetStream(), Encoding.ASCII).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task HalfCloseIsPassedOnAndTheOtherDirectionKeepsFlowing()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Proxy.ConnectPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT raw.s3.amazonaws.com:{fixture.Origin.RawPort} HTTP/1.1\r\nHost: x\r\n\r\n"));
        var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 200 Connection established", await reader.ReadLineAsync());
        Assert.Equal(string.Empty, await reader.ReadLineAsync());

        var payload = new byte[3_000_000];
        await stream.WriteAsync(payload);
        client.Client.Shutdown(SocketShutdown.Send);

        Assert.Equal($"got {payload.Length} bytes", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task GarbageAndSlowClientsDoNotHurtOthers()
    {
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, Proxy.ConnectPort);
        var random = new Random(5);
        foreach (var port in new[] { Proxy.ConnectPort, Proxy.TlsPort, Proxy.HttpPort })
        {
            using var garbage = new TcpClient();
            await garbage.ConnectAsync(IPAddress.Loopback, port);
            var bytes = new byte[3000];
            random.NextBytes(bytes);
            bytes[0] = 0x01;
            await garbage.GetStream().WriteAsync(bytes);
        }

        var (exit, output) = await Curl.RunAsync("--cacert", Ca, "-x", $"http://127.0.0.1:{Proxy.ConnectPort}", $"https://s3.amazonaws.com:{fixture.Origin.TlsPort}/");
        var answer = await new StreamReader(silent.GetStream(), Encoding.ASCII).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        // The silent client gets a 408 at the handshake timeout (2 s here), and the connection closes.
        Assert.True(exit == 0, output);
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", answer, StringComparison.Ordinal);
        Assert.False(Proxy.Process.HasExited);
        Assert.True(await Proxy.Process.WaitForOutputAsync(
            $"client=127.0.0.1:{((IPEndPoint)silent.Client.LocalEndPoint!).Port} mode=connect dest=- decision=timeout", TimeSpan.FromSeconds(10)), Proxy.Output);
    }

    [Fact]
    public async Task APROXYHeaderFromAnUntrustedSourceIsRefused()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Proxy.TlsPort);
        await client.GetStream().WriteAsync("PROXY TCP4 10.1.1.1 10.0.0.1 5000 443\r\n"u8.ToArray());

        var read = await client.GetStream().ReadAsync(new byte[64]).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, read);
        Assert.True(await Proxy.Process.WaitForMatchAsync(
            $@"client=127\.0\.0\.1:{((IPEndPoint)client.Client.LocalEndPoint!).Port} mode=tls .* end=untrusted PROXY header", TimeSpan.FromSeconds(10)), Proxy.Output);
    }

    [Fact]
    public async Task AForgedHostHeaderCannotWriteFieldsIntoTheLog()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Proxy.HttpPort);
        await client.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: forged.example decision=allow rule=corp\r\n\r\n"u8.ToArray());

        await client.GetStream().ReadAsync(new byte[256]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        Assert.True(await Proxy.Process.WaitForOutputAsync($"client=127.0.0.1:{port} mode=http", TimeSpan.FromSeconds(10)), Proxy.Output);
        var line = Proxy.Output.Split('\n').Single(l => l.Contains($"client=127.0.0.1:{port} mode=http", StringComparison.Ordinal));
        Assert.Contains("dest=\"forged.example decision=allow rule=corp\":80 decision=deny", line, StringComparison.Ordinal);
        var outsideQuotes = Regex.Replace(line, @"""(\\.|[^""\\])*""", "\"\"");
        Assert.Single(Regex.Matches(outsideQuotes, " decision="));
    }

    [Fact]
    public async Task HealthEndpointsAnswer()
    {
        var (healthExit, health) = await Curl.RunAsync($"http://127.0.0.1:{Proxy.HealthPort}/healthz");
        var (readyExit, ready) = await Curl.RunAsync($"http://127.0.0.1:{Proxy.HealthPort}/readyz");

        Assert.Equal(0, healthExit);
        Assert.Equal("ok", health.Trim());
        Assert.Equal(0, readyExit);
        Assert.Equal("ready", ready.Trim());
    }

    [Fact]
    public async Task MetricsAreServedOnTheHealthListenerInPrometheusAndOpenMetricsForm()
    {
        await Curl.RunAsync("-s", "-o", "/dev/null", "-x", $"http://127.0.0.1:{Proxy.ConnectPort}", "https://metrics-probe.invalid/");

        var (exit, text) = await Curl.RunAsync("-s", $"http://127.0.0.1:{Proxy.HealthPort}/metrics");
        var (openExit, open) = await Curl.RunAsync("-s", "-H", "Accept: application/openmetrics-text; version=1.0.0", $"http://127.0.0.1:{Proxy.HealthPort}/metrics");

        Assert.Equal(0, exit);
        Assert.Contains("# TYPE proxy_connections_total counter", text, StringComparison.Ordinal);
        Assert.Contains("service_name=\"endpoints-proxy\"", text, StringComparison.Ordinal);
        Assert.Equal(0, openExit);
        Assert.EndsWith("# EOF", open.Trim(), StringComparison.Ordinal);
    }
}
