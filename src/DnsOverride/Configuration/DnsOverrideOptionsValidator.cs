using System.Net;
using Endpoints.Common.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Configuration;

/// <summary>Checks every setting at start-up and reports all problems at once.</summary>
internal sealed class DnsOverrideOptionsValidator : IValidateOptions<DnsOverrideOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsOverrideOptions options)
    {
        var errors = new List<string>(options.ParseErrors);
        if (options.Upstream.Count == 0)
        {
            errors.Add($"no --upstream given and no nameserver in {ResolvConf.DefaultPath}");
        }

        foreach (var upstream in options.UpstreamEndPoints)
        {
            if (options.ListenEndPoints.Any(l => l.Port == upstream.Port &&
                (l.Address.Equals(upstream.Address) || (IPAddress.IsLoopback(upstream.Address) && l.Address.Equals(IPAddress.Any)))))
            {
                errors.Add($"--upstream '{upstream}' is this server itself: queries would loop");
            }
        }

        if (!Directory.Exists(options.Zones))
        {
            errors.Add($"--zones '{options.Zones}' is not a directory");
        }

        if (options.MetricExporters.Contains("prometheus") && options.HttpEndPoint is null)
        {
            errors.Add("--metrics prometheus needs the HTTP listener (--http ADDR:PORT, not none)");
        }

        Positive(errors, "UpstreamTimeout", options.UpstreamTimeout);
        Positive(errors, "ForwardDeadline", options.ForwardDeadline);
        Positive(errors, "TcpIdleTimeout", options.TcpIdleTimeout);
        Positive(errors, "ZonePollInterval", options.ZonePollInterval);
        if (options.MaxUdpPayload is < 512 or > 65535)
        {
            errors.Add("MaxUdpPayload must be between 512 and 65535");
        }

        options.RateLimit.Validate(errors);
        options.Cache.Validate(errors);
        if (options.MaxZoneFileBytes < 1 || options.MaxZoneFileBytes > int.MaxValue)
        {
            errors.Add($"MaxZoneFileBytes must be between 1 and {int.MaxValue}");
        }

        if (options.MaxRecordsPerZone < 1)
        {
            errors.Add("MaxRecordsPerZone must be at least 1");
        }

        if (options.MaxTcpConnections < 1 || options.MaxForwardsInFlight < 1)
        {
            errors.Add("MaxTcpConnections and MaxForwardsInFlight must be at least 1");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive");
        }
    }
}
