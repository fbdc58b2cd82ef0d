using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

/// <summary>
/// S3 on loopback, as the proxy's integration tests reach it: a TLS origin with a certificate for s3.amazonaws.com and
/// *.s3.amazonaws.com, and our DNS server answering that zone with 127.0.0.1, for the proxy's resolver.
/// </summary>
internal sealed class LoopbackS3 : IDisposable
{
    private LoopbackS3(TestCertificates certificates, OriginServer origin, DnsServerProcess resolver)
    {
        Certificates = certificates;
        Origin = origin;
        Resolver = resolver;
    }

    public TestCertificates Certificates { get; }

    public OriginServer Origin { get; }

    public DnsServerProcess Resolver { get; }

    public static async Task<LoopbackS3> StartAsync(TempDirectory directory)
    {
        var certificates = new TestCertificates(directory.Path, "s3.amazonaws.com", "*.s3.amazonaws.com");
        var origin = new OriginServer(certificates.Server);
        var zones = Directory.CreateDirectory(directory.File("zones")).FullName;
        File.WriteAllText(Path.Combine(zones, "s3.amazonaws.com.zone"), "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\n");
        return new LoopbackS3(certificates, origin, await DnsServerProcess.StartAsync(zones));
    }

    public void Dispose()
    {
        Resolver.Dispose();
        Origin.Dispose();
        Certificates.Dispose();
    }
}
