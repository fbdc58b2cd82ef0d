using System.Net;
using Endpoints.Common.Configuration;
using Endpoints.Proxy.Policy;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Configuration;

/// <summary>Checks every setting at start-up, the policy file included, and reports all problems at once.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var errors = new List<string>();
        foreach (var (flag, value) in new[] { ("--connect", options.Connect), ("--tls", options.Tls), ("--http", options.Http), ("--health", options.Health) })
        {
            if (value is not null && !EndpointParser.TryParse(value, 0, out _, allowAnyPort: true))
            {
                errors.Add($"{flag} '{value}' is not ADDR:PORT");
            }
        }

        if (options.Resolver.Count == 0)
        {
            errors.Add("no --resolver given and no nameserver in /etc/resolv.conf");
        }

        errors.AddRange(options.Resolver.Where(r => !EndpointParser.TryParse(r, 53, out _)).Select(r => $"--resolver '{r}' is not ADDR[:PORT]"));
        errors.AddRange(options.AllowRange.Where(r => !IPNetwork.TryParse(r, out _)).Select(r => $"--allow-range '{r}' is not a CIDR"));
        errors.AddRange(options.ProxyProtocolFrom.Where(r => !IPNetwork.TryParse(r, out _)).Select(r => $"--proxy-protocol-from '{r}' is not a CIDR"));
        var (_, policyErrors) = AccessPolicy.Load(options.Policy);
        errors.AddRange(policyErrors.Select(e => $"--policy: {e}"));
        foreach (var (setting, value) in new[] { ("HandshakeTimeout", options.HandshakeTimeout), ("ConnectTimeout", options.ConnectTimeout), ("IdleTimeout", options.IdleTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{setting} must be positive");
            }
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.MaxConnections < 1 || options.BufferSize < 4096)
        {
            errors.Add("DrainTimeout must not be negative, MaxConnections at least 1, BufferSize at least 4096");
        }

        if (options.Metrics is not (null or "" or "console" or "none"))
        {
            errors.Add($"--metrics '{options.Metrics}' must be 'console' or 'none'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
