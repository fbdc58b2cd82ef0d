using Endpoints.Common.Configuration;
using Endpoints.Common.Telemetry;
using Endpoints.DnsOverride.Tsig;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Configuration;

/// <summary>
/// Fills in defaults for lists after binding (binding appends to lists, so they cannot be initialisers), then parses
/// the address settings once into typed values.
/// </summary>
internal sealed class DnsOverrideOptionsSetup : IPostConfigureOptions<DnsOverrideOptions>
{
    public static readonly string[] DefaultListen = ["127.0.0.1:1053"];

    /// <summary>Like BIND's allow-recursion default (localhost and local networks): never an open resolver.</summary>
    public static readonly string[] DefaultAllowRecursion =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10"];

    /// <summary>DynamoDB's regional zones override the endpoint's own name only; Streams and the rest live below it.</summary>

    /// <summary>The options as a start without settings has them: what <c>--help</c> gives as the defaults.</summary>
    public static DnsOverrideOptions Defaults()
    {
        var options = new DnsOverrideOptions();
        new DnsOverrideOptionsSetup().PostConfigure(null, options);
        return options;
    }

    public void PostConfigure(string? name, DnsOverrideOptions options)
    {
        if (options.Listen.Count == 0)
        {
            options.Listen.AddRange(DefaultListen);
        }

        if (options.Upstream.Count == 0)
        {
            options.Upstream.AddRange(ResolvConf.ReadNameServers());
        }

        if (options.AllowRecursion.Count == 0)
        {
            options.AllowRecursion.AddRange(DefaultAllowRecursion);
        }

        if (options.UdpThreads <= 0)
        {
            options.UdpThreads = Environment.ProcessorCount;
        }

        options.ListenEndPoints = SettingParser.Endpoints(options.Listen, 53, "--listen", options.ParseErrors, allowAnyPort: true);
        options.UpstreamEndPoints = SettingParser.Endpoints(options.Upstream, 53, "--upstream", options.ParseErrors);
        options.AllowRecursionNetworks = SettingParser.Networks(options.AllowRecursion, "AllowRecursion", options.ParseErrors);
        options.LoadBalancerNetworks = SettingParser.Networks(options.ProxyProtocolFrom, "--proxy-protocol-from", options.ParseErrors);
        if (!string.Equals(options.Http, "none", StringComparison.OrdinalIgnoreCase))
        {
            options.HttpEndPoint = SettingParser.Endpoints([options.Http], 8053, "--http", options.ParseErrors, allowAnyPort: true).FirstOrDefault();
        }

        options.MetricExporters.UnionWith(MetricExporters.Parse(options.Metrics, options.ParseErrors));

        options.Cache.Parse(options.ParseErrors);
        options.AllowTransferNetworks = SettingParser.Networks(options.AllowTransfer, "--allow-transfer", options.ParseErrors);
        options.NotifyEndPoints = SettingParser.Endpoints(options.Notify, 53, "--notify", options.ParseErrors);
        if (!string.IsNullOrEmpty(options.TsigKeys))
        {
            options.TsigKeyRing = TsigKeyFile.Read(options.TsigKeys, options.ParseErrors);
            if (options.TsigKeyRing.Count == 0 && options.ParseErrors.Count == 0)
            {
                options.ParseErrors.Add($"--tsig-keys '{options.TsigKeys}' holds no key");
            }
        }
        options.RateLimit.ExemptNetworks = SettingParser.Networks(options.RateLimit.Exempt, "RateLimit:Exempt", options.ParseErrors);
    }
}
