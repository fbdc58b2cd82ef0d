using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Policy;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Configuration;

/// <summary>Checks every setting at start-up, the policy file included, and reports all problems at once.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var errors = new List<string>(options.ParseErrors);
        if (options.Resolver.Count == 0)
        {
            errors.Add("no --resolver given and no nameserver in /etc/resolv.conf");
        }

        var (_, policyErrors) = AccessPolicy.Load(options.Policy);
        errors.AddRange(policyErrors.Select(e => $"--policy: {e}"));
        errors.AddRange(CredentialFiles.Problems(options.KeytabInUse, options.Spn, options.Users));
        if (options.AuthRealm.Length == 0 || options.AuthRealm.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            errors.Add("AuthRealm must be non-empty, without quotes, backslashes or control characters");
        }

        if (options.ConnectTls is not null)
        {
            if (options.ConnectTlsCertificate is null || options.ConnectTlsKey is null)
            {
                errors.Add("--connect-tls needs --connect-tls-cert and --connect-tls-key (PEM files)");
            }
            else if (TlsToProxy.ProxyCertificate.Load(options.ConnectTlsCertificate, options.ConnectTlsKey).Error is { } certificateError)
            {
                errors.Add($"--connect-tls-cert: {certificateError}");
            }
        }
        else if (options.ConnectTlsCertificate is not null || options.ConnectTlsKey is not null)
        {
            errors.Add("--connect-tls-cert and --connect-tls-key are for the --connect-tls listener, which is not set");
        }

        foreach (var (setting, value) in new[] { ("HandshakeTimeout", options.HandshakeTimeout), ("ConnectTimeout", options.ConnectTimeout), ("IdleTimeout", options.IdleTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{setting} must be positive");
            }
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.MaxConnections < 1 || options.MaxConnectionsPerSource < 1 || options.BufferSize < 4096)
        {
            errors.Add("DrainTimeout must not be negative, MaxConnections and MaxConnectionsPerSource at least 1, BufferSize at least 4096");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
