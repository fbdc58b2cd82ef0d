using Endpoints.Common.Hosting;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.TlsToProxy;

/// <summary>
/// The certificate in service on the TLS-to-proxy listener. A renewal (new files) is taken for the next handshake;
/// files that fail to load keep the last good certificate, and say why.
/// </summary>
internal sealed class ProxyCertificateStore : LastGoodStore<ProxyCertificate>
{
    private readonly string _certificate;
    private readonly string _key;
    private readonly ILogger<ProxyCertificateStore> _logger;
    private readonly ProxyMetrics _metrics;

    public ProxyCertificateStore(IOptions<ProxyOptions> options, ILogger<ProxyCertificateStore> logger, ProxyMetrics metrics)
        : base(ProxyCertificate.None)
    {
        _certificate = options.Value.ConnectTlsCertificate ?? string.Empty;
        _key = options.Value.ConnectTlsKey ?? string.Empty;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The folder of the certificate file: a renewal replaces the certificate and the key together there.</summary>
    public string Folder => Path.GetDirectoryName(Path.GetFullPath(_certificate))!;

    protected override ProxyCertificate? Load(string reason, ProxyCertificate current)
    {
        var (certificate, error) = ProxyCertificate.Load(_certificate, _key);
        if (certificate is null)
        {
            Failed(reason, error!);
            return null;
        }

        Log.CertificateLoaded(_logger, _certificate, reason, certificate.Description);
        return certificate;
    }

    protected override void Failed(string reason, Exception exception) => Failed(reason, exception.Message);

    private void Failed(string reason, string error)
    {
        _metrics.Error("certificate-load");
        Log.CertificateFailed(_logger, _certificate, reason, error);
    }
}
