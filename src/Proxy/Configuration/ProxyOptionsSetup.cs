using Endpoints.Common.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Configuration;

/// <summary>Defaults that depend on other settings: a local run with no listener gets CONNECT and health.</summary>
internal sealed class ProxyOptionsSetup : IPostConfigureOptions<ProxyOptions>
{
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
    }
}
