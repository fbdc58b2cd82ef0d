using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Endpoints.Proxy.TlsToProxy;

/// <summary>The certificate the TLS-to-proxy listener presents: the chain and key from PEM files, built once per load.</summary>
internal sealed record ProxyCertificate(SslStreamCertificateContext? Context, string Description)
{
    public static readonly ProxyCertificate None = new(null, "none");

    /// <summary>The leaf and its chain from <paramref name="certificate"/>, the key from <paramref name="key"/>; or why not.</summary>
    public static (ProxyCertificate? Certificate, string? Error) Load(string certificate, string key)
    {
        try
        {
            var leaf = X509Certificate2.CreateFromPemFile(certificate, key);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(certificate);
            var intermediates = new X509Certificate2Collection(chain.Where(c => c.Thumbprint != leaf.Thumbprint).ToArray());
            return (new ProxyCertificate(SslStreamCertificateContext.Create(leaf, intermediates, offline: true),
                $"{leaf.Subject}, valid until {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}"), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, $"{certificate} with key {key}: {ex.Message}");
        }
    }
}
