using System.Globalization;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// A realm with alice and the given services, a loopback S3 behind its resolver, and a policy that lets alice (and
/// only her) reach it: what a test of the proxy's Kerberos acceptor starts from.
/// </summary>
internal sealed class KerberosTestBed : IDisposable
{
    private readonly TempDirectory _directory;
    private readonly LoopbackS3 _s3;

    private KerberosTestBed(TempDirectory directory, KerberosRealm realm, LoopbackS3 s3, string policy)
    {
        _directory = directory;
        Realm = realm;
        _s3 = s3;
        Policy = policy;
    }

    public KerberosRealm Realm { get; }

    public string Policy { get; }

    public static async Task<KerberosTestBed> StartAsync(params string[] services)
    {
        var directory = new TempDirectory();
        KerberosRealm? realm = null;
        LoopbackS3 s3;
        try
        {
            realm = await KerberosRealm.StartAsync([("alice", "alice-password")], services);
            s3 = await LoopbackS3.StartAsync(directory);
        }
        catch
        {
            realm?.Dispose();
            directory.Dispose();
            throw;
        }

        var policy = directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "alice", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"],
                "ports": [{{s3.Origin.TlsPort}}], "users": ["alice@CORP.EXAMPLE"] }
            ] }
            """);
        return new KerberosTestBed(directory, realm, s3, policy);
    }

    public Task<ProxyProcess> StartProxyAsync(params string[] arguments) =>
        ProxyProcess.StartAsync(Policy, _s3.Resolver.Port, _s3.Origin, arguments, Realm.Environment);

    /// <summary>Fresh tokens of alice's for <paramref name="service"/>, from a login made now.</summary>
    public async Task<string[]> TokensAsync(string service, int count) =>
        await NegotiateExchange.TokensAsync(await Realm.LoginAsync("alice", "alice-password"), service, count);

    /// <summary>CONNECT to <paramref name="bucket"/>'s S3 name with the token; the proxy's reply.</summary>
    public Task<string> ConnectAsync(ProxyProcess proxy, string bucket, string token) =>
        NegotiateExchange.ConnectAsync(proxy.ConnectPort, $"{bucket}.s3.amazonaws.com:{_s3.Origin.TlsPort.ToString(CultureInfo.InvariantCulture)}", $"Negotiate {token}");

    public void Dispose()
    {
        _s3.Dispose();
        Realm.Dispose();
        _directory.Dispose();
    }
}
