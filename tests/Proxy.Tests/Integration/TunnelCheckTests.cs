using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Endpoints.Proxy.Tests.Tunneling;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>
/// The name check inside tunnels fails closed: bytes that start as TLS but are not a ClientHello with an acceptable
/// name never reach the origin, and a second ClientHello after a HelloRetryRequest is judged like the first.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TunnelCheckTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private static readonly byte[] AccessDenied = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 49];

    public static TheoryData<string> BrokenHellos => ["zero-length record first", "zero-length record inside", "over 64 KiB", "space in SNI", "bad version byte"];

    [Theory]
    [MemberData(nameof(BrokenHellos))]
    public async Task ATlsStreamThatDoesNotParseIsRefused(string how)
    {
        var hello = await ClientHelloCapture.CaptureAsync("admin.s3.amazonaws.com");
        byte[] bytes = how switch
        {
            "zero-length record first" => [22, 3, 1, 0, 0, .. hello],
            "zero-length record inside" => Split(ClientHelloCapture.Reframe(hello, 100), 105, [22, 3, 1, 0, 0]),
            "over 64 KiB" => [22, 3, 1, 0x40, 0, 1, 0x01, 0x11, 0x70, .. new byte[0x4000 - 4]],
            "space in SNI" => Replace(hello, "admin.s3"u8, "admin s3"u8),
            _ => [22, 1, .. hello[2..]],
        };

        var (answer, port) = await TunnelAsync(fixture.Proxy, $"mybucket.s3.amazonaws.com:{fixture.Origin.RawPort}", bytes);

        Assert.Equal(AccessDenied, answer);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync($@"client=127\.0\.0\.1:{port} .* decision=deny .* end=sni-invalid", TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task AHelloWithoutSniIsRefusedInATunnelToAName()
    {
        var hello = await ClientHelloCapture.CaptureAsync("127.0.0.1");

        var (answer, port) = await TunnelAsync(fixture.Proxy, $"mybucket.s3.amazonaws.com:{fixture.Origin.RawPort}", hello);

        Assert.Equal(AccessDenied, answer);
        Assert.True(await fixture.Proxy.Process.WaitForMatchAsync(
            $@"client=127\.0\.0\.1:{port} .* reason=""ClientHello in a tunnel to mybucket\.s3\.amazonaws\.com: ClientHello has no SNI"" .* end=sni-invalid",
            TimeSpan.FromSeconds(10)), fixture.Proxy.Output);
    }

    [Fact]
    public async Task AHelloWithoutSniIsRelayedInATunnelToAnAddress()
    {
        using var directory = new TempDirectory();
        var policy = directory.Write("policy.json", """
            { "rules": [ { "name": "by-address", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1"] } ] }
            """);
        using var proxy = await ProxyProcess.StartAsync(policy, fixture.Resolver.Port, fixture.Origin);
        var hello = await ClientHelloCapture.CaptureAsync("127.0.0.1");

        var (answer, _) = await TunnelAsync(proxy, $"127.0.0.1:{fixture.Origin.RawPort}", hello);

        Assert.Equal($"got {hello.Length} bytes\n", Encoding.ASCII.GetString(answer));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ANonTlsStreamPassesOnlyWhenAllowed(bool allowed)
    {
        using var proxy = allowed ? null : await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin,
            settings: new Dictionary<string, string> { ["Proxy__AllowNonTlsTunnels"] = "false" });
        var target = proxy ?? fixture.Proxy;

        var request = "GET / HTTP/1.1\r\nHost: admin.s3.amazonaws.com\r\n\r\n"u8.ToArray();

        var (answer, port) = await TunnelAsync(target, $"mybucket.s3.amazonaws.com:{fixture.Origin.RawPort}", request);

        if (allowed)
        {
            Assert.Equal($"got {request.Length} bytes\n", Encoding.ASCII.GetString(answer));
        }
        else
        {
            Assert.Empty(answer);
            Assert.True(await target.Process.WaitForMatchAsync($@"client=127\.0\.0\.1:{port} .* decision=deny .* end=not-tls", TimeSpan.FromSeconds(10)), target.Output);
        }
    }

    /// <summary>A hand-built client answers a HelloRetryRequest with a ClientHello for another name, or sends both at once.</summary>
    [Theory]
    [InlineData("admin.s3.amazonaws.com", false, false)]
    [InlineData("admin.s3.amazonaws.com", true, false)]
    [InlineData("mybucket.s3.amazonaws.com", false, true)]
    public async Task TheSecondClientHelloAfterAHelloRetryRequestIsJudgedToo(string secondName, bool sentAhead, bool relayed)
    {
        var first = await ClientHelloCapture.CaptureAsync("mybucket.s3.amazonaws.com");
        var second = await ClientHelloCapture.CaptureAsync(secondName);
        using var origin = new HelloRetryOrigin(first.Length);
        using var directory = new TempDirectory();
        using var proxy = await ProxyProcess.StartAsync(ProxyFixture.WritePolicy(directory, fixture.Origin, origin.Port), fixture.Resolver.Port, fixture.Origin);
        using var client = await ConnectAsync(proxy, $"mybucket.s3.amazonaws.com:{origin.Port}");
        var stream = client.GetStream();

        await stream.WriteAsync(sentAhead ? first.Concat(second).ToArray() : first);
        Assert.Equal(HelloRetryOrigin.HelloRetryRequest, await ConnectStatusTests.ReadExactlyAsync(stream, HelloRetryOrigin.HelloRetryRequest.Length));
        if (!sentAhead)
        {
            await stream.WriteAsync(second);
        }

        client.Client.Shutdown(SocketShutdown.Send);
        var answer = await ConnectStatusTests.ReadToEndAsync(stream);

        if (relayed)
        {
            Assert.Equal(second, await origin.AfterRetry);
            Assert.Empty(answer);
        }
        else
        {
            Assert.Equal(AccessDenied, answer);
            Assert.Empty(await origin.AfterRetry);
            Assert.True(await proxy.Process.WaitForMatchAsync(
                @"reason=""SNI after a HelloRetryRequest 'admin\.s3\.amazonaws\.com' in a tunnel to mybucket\.s3\.amazonaws\.com: denied by rule"" .* end=sni-mismatch",
                TimeSpan.FromSeconds(10)), proxy.Output);
        }
    }

    [Fact]
    public async Task TlsModeJudgesTheSecondClientHelloToo()
    {
        var first = await ClientHelloCapture.CaptureAsync("mybucket.s3.amazonaws.com");
        var second = await ClientHelloCapture.CaptureAsync("admin.s3.amazonaws.com");
        using var origin = new HelloRetryOrigin(first.Length);
        using var proxy = await ProxyProcess.StartAsync(fixture.PolicyFile, fixture.Resolver.Port, fixture.Origin,
            settings: new Dictionary<string, string> { ["Proxy__TlsUpstreamPort"] = origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.TlsPort);
        var stream = client.GetStream();

        await stream.WriteAsync(first.Concat(second).ToArray());
        Assert.Equal(HelloRetryOrigin.HelloRetryRequest, await ConnectStatusTests.ReadExactlyAsync(stream, HelloRetryOrigin.HelloRetryRequest.Length));
        client.Client.Shutdown(SocketShutdown.Send);

        Assert.Equal(AccessDenied, await ConnectStatusTests.ReadToEndAsync(stream));
        Assert.Empty(await origin.AfterRetry);
    }

    /// <summary>Real OpenSSL on both ends: a server that takes P-256 only makes a client that offered X25519 first retry.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARealHandshakeWithAHelloRetryRequestCompletes(bool tlsMode)
    {
        using var directory = new TempDirectory();
        var certificate = directory.Write("server.pem", fixture.Certificates.Server.ExportCertificatePem());
        var key = directory.Write("server.key", fixture.Certificates.Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var (server, serverPort) = await StartOpenSslServerAsync(certificate, key);
        using (server)
        {
            using var proxy = await ProxyProcess.StartAsync(ProxyFixture.WritePolicy(directory, fixture.Origin, serverPort), fixture.Resolver.Port, fixture.Origin,
                settings: new Dictionary<string, string> { ["Proxy__TlsUpstreamPort"] = serverPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var route = tlsMode ? $"-connect 127.0.0.1:{proxy.TlsPort}" : $"-proxy 127.0.0.1:{proxy.ConnectPort} -connect mybucket.s3.amazonaws.com:{serverPort}";

            var (exit, output) = await Tools.RunAsync("bash", "-c",
                $"printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client {route} -servername mybucket.s3.amazonaws.com -groups X25519:P-256 -msg " +
                $"-CAfile {fixture.Certificates.CaFile} -verify_return_error -ign_eof 2>&1");

            Assert.True(exit == 0, output);
            Assert.Equal(2, output.Split('\n').Count(line => line.StartsWith(">>> TLS 1.3, Handshake", StringComparison.Ordinal) && line.EndsWith("ClientHello", StringComparison.Ordinal)));
            Assert.Contains("HTTP/1.0 200 ok", output, StringComparison.Ordinal);
        }
    }

    private static async Task<(ExternalProcess Server, int Port)> StartOpenSslServerAsync(string certificate, string key)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Get();
            var server = new ExternalProcess("openssl", ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", certificate, "-key", key, "-groups", "P-256", "-www"]);
            if (await server.WaitForOutputAsync("ACCEPT", TimeSpan.FromSeconds(30)))
            {
                return (server, port);
            }

            server.Dispose();
            if (!FreePort.IsAddressInUse(server.Output) || attempt == 5)
            {
                throw new InvalidOperationException($"openssl s_server did not start:\n{server.Output}");
            }
        }
    }

    private static async Task<(byte[] Answer, int Port)> TunnelAsync(ProxyProcess proxy, string target, byte[] bytes)
    {
        using var client = await ConnectAsync(proxy, target);
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        client.Client.Shutdown(SocketShutdown.Send);
        return (await ConnectStatusTests.ReadToEndAsync(stream), ((IPEndPoint)client.Client.LocalEndPoint!).Port);
    }

    private static async Task<TcpClient> ConnectAsync(ProxyProcess proxy, string target)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.ConnectPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {target} HTTP/1.1\r\n\r\n"));
        Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\n", Encoding.ASCII.GetString(await ConnectStatusTests.ReadExactlyAsync(stream, 39)));
        return client;
    }

    private static byte[] Split(byte[] bytes, int at, byte[] inserted) => [.. bytes[..at], .. inserted, .. bytes[at..]];

    private static byte[] Replace(byte[] bytes, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        var copy = (byte[])bytes.Clone();
        var at = copy.AsSpan().IndexOf(from);
        Assert.True(at > 0);
        to.CopyTo(copy.AsSpan(at));
        return copy;
    }
}
