using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>
/// A whole small world on loopback: our DNS server resolving the AWS names to 127.0.0.1 (standing for the VPC
/// resolver), an origin with a test CA, a policy, and the proxy.
/// </summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    public TempDirectory Directory { get; } = new();

    public TestCertificates Certificates { get; private set; } = null!;

    public OriginServer Origin { get; private set; } = null!;

    public DnsServerProcess Resolver { get; private set; } = null!;

    public ProxyProcess Proxy { get; private set; } = null!;

    public string PolicyFile { get; private set; } = string.Empty;

    /// <summary>A port held bound but not listening: connecting to it is refused (the 502 case), and nobody else can take it.</summary>
    public Socket ClosedPortHolder { get; } = BindWithoutListening();

    public int ClosedPort => ((IPEndPoint)ClosedPortHolder.LocalEndPoint!).Port;

    public async Task InitializeAsync()
    {
        Certificates = new TestCertificates(Directory.Path, "s3.amazonaws.com", "*.s3.amazonaws.com", "dynamodb.us-east-1.amazonaws.com");
        Origin = new OriginServer(Certificates.Server);
        var zones = System.IO.Directory.CreateDirectory(Directory.File("zones")).FullName;
        File.WriteAllText(Path.Combine(zones, "s3.amazonaws.com.zone"),
            "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\nimds A 169.254.169.254\nv6 AAAA ::1\n");
        Resolver = await DnsServerProcess.StartAsync(zones);
        PolicyFile = WritePolicy(Directory, Origin, ClosedPort);
        Proxy = await ProxyProcess.StartAsync(PolicyFile, Resolver.Port, Origin);
    }

    public static string WritePolicy(TempDirectory directory, OriginServer origin, int extraPort = 443)
    {
        var ports = string.Join(", ", new[] { 443, 80, origin.TlsPort, origin.RawPort, extraPort }.Distinct().Select(p => p.ToString(CultureInfo.InvariantCulture)));
        return directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "no-admin-bucket", "action": "deny", "sources": ["0.0.0.0/0"], "destinations": ["admin.s3.amazonaws.com"] },
              { "name": "corp-to-aws", "action": "allow", "sources": ["10.0.0.0/8", "127.0.0.0/8"],
                "destinations": ["s3.amazonaws.com", "*.s3.amazonaws.com"], "ports": [{{ports}}] }
            ] }
            """);
    }

    private static Socket BindWithoutListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public Task DisposeAsync()
    {
        Proxy.Dispose();
        ClosedPortHolder.Dispose();
        Resolver.Dispose();
        Origin.Dispose();
        Certificates.Dispose();
        Directory.Dispose();
        return Task.CompletedTask;
    }
}
