using System.Net;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Configuration;

/// <summary>Settings of the DNS server, bound from the <c>DnsOverride</c> section (command line, env, appsettings.json).</summary>
internal sealed class DnsOverrideOptions
{
    public const string Section = "DnsOverride";

    /// <summary>Addresses to serve UDP and TCP on, e.g. <c>127.0.0.1:1053</c> or <c>[::1]:1053</c>.</summary>
    public List<string> Listen { get; set; } = [];

    public string Zones { get; set; } = "zones";

    /// <summary>Resolvers for names outside our zones; empty means the nameservers of /etc/resolv.conf.</summary>
    public List<string> Upstream { get; set; } = [];

    /// <summary>Clients whose queries for other names are forwarded; others get REFUSED (no open resolver).</summary>
    public List<string> AllowRecursion { get; set; } = [];

    /// <summary>
    /// Metric exporters, comma-separated: <c>prometheus</c> (<c>/metrics</c> on <see cref="Http"/>), <c>otlp</c>
    /// (endpoint and headers from the <c>OTEL_EXPORTER_OTLP_*</c> variables), <c>console</c>; <c>none</c> for none.
    /// </summary>
    public string Metrics { get; set; } = "prometheus";

    /// <summary>HTTP listener for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; <c>none</c> turns it off.</summary>
    public string Http { get; set; } = "127.0.0.1:8053";

    /// <summary>Load balancers whose health checks on <see cref="Http"/> may start with a PROXY v1/v2 header (AWS NLB does).</summary>
    public List<string> ProxyProtocolFrom { get; set; } = [];

    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>After this a forwarded query is answered SERVFAIL.</summary>
    public TimeSpan ForwardDeadline { get; set; } = TimeSpan.FromSeconds(4);

    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxTcpConnections { get; set; } = 512;

    public int MaxForwardsInFlight { get; set; } = 2048;

    public TimeSpan ZonePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes of zone text per zone, included files counted in.</summary>
    public long MaxZoneFileBytes { get; set; } = ZoneLimits.DefaultMaxFileBytes;

    public int MaxRecordsPerZone { get; set; } = ZoneLimits.DefaultMaxRecords;

    /// <summary>Lets zone files and <c>$INCLUDE</c> resolve outside the zones folder; off, as files arrive by pull request.</summary>
    public bool AllowZoneFilesOutsideFolder { get; set; }

    /// <summary>Largest UDP reply we send when the client offers more (RFC 9715 / DNS flag day 2020).</summary>
    public int MaxUdpPayload { get; set; } = 1232;

    /// <summary>Socket continuations (forwarding, TCP) run on the socket engine's thread: 1.45x forwarded queries/s.</summary>
    public bool InlineCompletions { get; set; } = true;

    /// <summary>Response rate limiting (BIND's <c>rate-limit</c>), off by default.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Clients (CIDRs) that may transfer our zones (AXFR, IXFR); none by default: REFUSED.</summary>
    public List<string> AllowTransfer { get; set; } = [];

    /// <summary>A file of TSIG keys in BIND's syntax; when set, transfers must be signed with one of them.</summary>
    public string? TsigKeys { get; set; }

    /// <summary>Secondaries told by NOTIFY (RFC 1996) when a zone's serial changes, as <c>ADDR[:PORT]</c>.</summary>
    public List<string> Notify { get; set; } = [];

    /// <summary>The cache of forwarded answers.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>Receive threads per UDP socket; 0 means one per core.</summary>
    public int UdpThreads { get; set; }

    /// <summary><see cref="Http"/> parsed once at start; null when off.</summary>
    internal IPEndPoint? HttpEndPoint { get; set; }

    /// <summary><see cref="Metrics"/> parsed once at start.</summary>
    internal HashSet<string> MetricExporters { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><see cref="Listen"/> parsed once at start (internal: not a setting).</summary>
    internal IPEndPoint[] ListenEndPoints { get; set; } = [];

    /// <summary><see cref="Upstream"/> parsed once at start.</summary>
    internal IPEndPoint[] UpstreamEndPoints { get; set; } = [];

    /// <summary><see cref="ProxyProtocolFrom"/> parsed once at start.</summary>
    internal IPNetwork[] LoadBalancerNetworks { get; set; } = [];

    /// <summary><see cref="AllowTransfer"/> parsed once at start.</summary>
    internal IPNetwork[] AllowTransferNetworks { get; set; } = [];

    /// <summary><see cref="TsigKeys"/> read once at start.</summary>
    internal IReadOnlyList<Tsig.TsigKey> TsigKeyRing { get; set; } = [];

    /// <summary><see cref="Notify"/> parsed once at start.</summary>
    internal IPEndPoint[] NotifyEndPoints { get; set; } = [];


    /// <summary><see cref="AllowRecursion"/> parsed once at start.</summary>
    internal IPNetwork[] AllowRecursionNetworks { get; set; } = [];

    /// <summary>The zone settings as one value for the loader.</summary>
    internal ZoneLimits ZoneLimits => new(MaxZoneFileBytes, MaxRecordsPerZone, AllowZoneFilesOutsideFolder);

    /// <summary>What parsing the address settings found wrong; the validator reports it with everything else.</summary>
    internal List<string> ParseErrors { get; } = [];
}
