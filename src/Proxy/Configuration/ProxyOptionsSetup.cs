using System.Net;
using Endpoints.Common.Configuration;
using Endpoints.Common.Telemetry;
using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Configuration;

/// <summary>
/// Defaults that depend on other settings (a local run with no listener gets CONNECT and health), then the address
/// settings parsed once into typed values.
/// </summary>
internal sealed class ProxyOptionsSetup : IPostConfigureOptions<ProxyOptions>
{
    /// <summary>The options as a start without settings has them: what <c>--help</c> gives as the defaults.</summary>
    public static ProxyOptions Defaults()
    {
        var options = new ProxyOptions();
        new ProxyOptionsSetup().PostConfigure(null, options);
        return options;
    }

    public void PostConfigure(string? name, ProxyOptions options)
    {
        if (options.Connect is null && options.Tls is null && options.Http is null)
        {
            options.Connect = "127.0.0.1:3128";
            options.Health ??= "127.0.0.1:8080";
        }

        if (options.Resolver.Count == 0)
        {
            options.Resolver.AddRange(ResolvConf.ReadNameServers());
        }

        var errors = options.ParseErrors;
        var listeners = new List<(ListenerMode, IPEndPoint)>();
        foreach (var (mode, text, flag) in new[] { (ListenerMode.Connect, options.Connect, "--connect"), (ListenerMode.Tls, options.Tls, "--tls"), (ListenerMode.Http, options.Http, "--http"), (ListenerMode.ConnectTls, options.ConnectTls, "--connect-tls") })
        {
            if (SettingParser.Endpoint(text, flag, errors) is { } endpoint)
            {
                listeners.Add((mode, endpoint));
            }
        }

        options.ListenEndPoints = listeners;
        options.HealthEndPoint = SettingParser.Endpoint(options.Health, "--health", errors);
        options.MetricExporters = MetricExporters.Parse(options.Metrics, errors);
        options.ResolverEndPoints = SettingParser.Endpoints(options.Resolver, 53, "--resolver", errors);
        options.AllowRangeNetworks = SettingParser.Networks(options.AllowRange, "--allow-range", errors);
        options.LoadBalancerNetworks = SettingParser.Networks(options.ProxyProtocolFrom, "--proxy-protocol-from", errors);
        options.KeytabInUse = Authentication.Keytab.Resolve(options.Keytab);
    }
}
