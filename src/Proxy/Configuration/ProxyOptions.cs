using System.Net;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Proxy.Configuration;

/// <summary>Settings of the proxy, bound from the <c>Proxy</c> section (command line, env, appsettings.json).</summary>
internal sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>HTTP CONNECT listener (HTTPS_PROXY clients).</summary>
    public string? Connect { get; set; }

    /// <summary>
    /// HTTP CONNECT inside TLS to the proxy (<c>HTTPS_PROXY=https://proxy:3129</c>; Squid's <c>https_port</c>): what
    /// Basic credentials need, since on <see cref="Connect"/> they cross the network in clear.
    /// </summary>
    public string? ConnectTls { get; set; }

    /// <summary>The <see cref="ConnectTls"/> listener's certificate chain (PEM), read again when it changes.</summary>
    public string? ConnectTlsCertificate { get; set; }

    /// <summary>The private key of <see cref="ConnectTlsCertificate"/> (PEM).</summary>
    public string? ConnectTlsKey { get; set; }

    /// <summary>
    /// Basic credentials on a plaintext listener (<see cref="Connect"/>, <see cref="Http"/>): refused with a 407 that
    /// says why unless set, since the password would cross the network in clear on every connection.
    /// </summary>
    public bool AllowBasicOverPlaintext { get; set; }

    /// <summary>TLS listener: clients speak TLS as if to the service; the SNI picks the destination.</summary>
    public string? Tls { get; set; }

    /// <summary>Plain HTTP listener: the first request's Host header picks the destination.</summary>
    public string? Http { get; set; }

    /// <summary>/healthz and /readyz for the load balancer.</summary>
    public string? Health { get; set; }

    public string Policy { get; set; } = "deploy/policy.json";

    /// <summary>Keytab with the key of HTTP/&lt;proxy name&gt; for Negotiate (Kerberos); else KRB5_KTNAME; neither: no Negotiate.</summary>
    public string? Keytab { get; set; }

    /// <summary>
    /// The service principal tickets must be for (<c>HTTP/proxy.corp.example</c>, realm optional); unset, any
    /// <c>HTTP/</c> principal of the keytab. A ticket for another principal the keytab holds is refused.
    /// </summary>
    public string? Spn { get; set; }

    /// <summary>Basic accounts file (NAME:HASH lines, made with <c>hash-password</c>); none: no Basic.</summary>
    public string? Users { get; set; }

    /// <summary>The realm a Basic challenge names (browsers show it).</summary>
    public string AuthRealm { get; set; } = "Endpoints proxy";

    /// <summary>DNS servers for destination names (the VPC resolver); empty means /etc/resolv.conf.</summary>
    public List<string> Resolver { get; set; } = [];

    /// <summary>Ranges the address guard would refuse but are allowed, e.g. the VPC endpoint subnet.</summary>
    public List<string> AllowRange { get; set; } = [];

    /// <summary>Load balancers: connections from these must start with a PROXY header, others must not.</summary>
    public List<string> ProxyProtocolFrom { get; set; } = [];

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>S3 uploads can pause for a long time; 15 minutes like an NLB's idle timeout.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Like an NLB's deregistration delay.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(300);

    public int MaxConnections { get; set; } = 8192;

    /// <summary>Open connections per client address (after PROXY); past it a new one gets 503.</summary>
    public int MaxConnectionsPerSource { get; set; } = 512;

    /// <summary>Relay buffer, rented only while a tunnel carries data; large buffers mean fewer system calls.</summary>
    public int BufferSize { get; set; } = 128 * 1024;

    /// <summary>Port the TLS mode connects to (443; tests point it elsewhere).</summary>
    public int TlsUpstreamPort { get; set; } = 443;

    /// <summary>Port the HTTP mode connects to (80; tests point it elsewhere).</summary>
    public int HttpUpstreamPort { get; set; } = 80;

    /// <summary>
    /// Metric exporters, comma-separated: <c>prometheus</c> (<c>/metrics</c> on the health listener), <c>otlp</c>
    /// (endpoint and headers from the <c>OTEL_EXPORTER_OTLP_*</c> variables), <c>console</c>; <c>none</c> for none.
    /// </summary>
    public string Metrics { get; set; } = "prometheus";

    /// <summary>
    /// Run socket continuations on the socket engine's thread instead of hopping to the thread pool: measured
    /// 1.5x more CONNECT handshakes per second on one core (bench/README.md). Our continuations never block.
    /// </summary>
    public bool InlineCompletions { get; set; } = true;

    /// <summary>
    /// In CONNECT tunnels, a TLS ClientHello's SNI must be the CONNECT host, or be allowed by the policy on its own:
    /// otherwise a deny rule for one bucket could be walked around through an allowed name on the same addresses.
    /// </summary>
    public bool CheckTunnelSni { get; set; } = true;

    /// <summary>
    /// With <see cref="CheckTunnelSni"/>, whether a CONNECT tunnel whose first byte is not a TLS handshake record may
    /// pass. On by default, as in Squid and Smokescreen: such a stream carries no name to walk around the policy with,
    /// its destination is the one the policy judged. Off where only TLS may cross (AWS's APIs are HTTPS only).
    /// </summary>
    public bool AllowNonTlsTunnels { get; set; } = true;

    /// <summary>The listeners that are set, parsed once at start (internal: not a setting).</summary>
    internal IReadOnlyList<(ListenerMode Mode, IPEndPoint EndPoint)> ListenEndPoints { get; set; } = [];

    internal IPEndPoint? HealthEndPoint { get; set; }

    /// <summary><see cref="Metrics"/> parsed once at start.</summary>
    internal HashSet<string> MetricExporters { get; set; } = [];

    internal IPEndPoint[] ResolverEndPoints { get; set; } = [];

    internal IPNetwork[] AllowRangeNetworks { get; set; } = [];

    internal IPNetwork[] LoadBalancerNetworks { get; set; } = [];

    /// <summary><see cref="Keytab"/> or KRB5_KTNAME, resolved once at start.</summary>
    internal string? KeytabInUse { get; set; }

    /// <summary>What parsing the address settings found wrong; the validator reports it with everything else.</summary>
    internal List<string> ParseErrors { get; } = [];
}
