using Endpoints.Common.Hosting;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Policy;

/// <summary>The policy in force. A reload that fails keeps the last good policy and logs why.</summary>
internal sealed class PolicyStore : LastGoodStore<AccessPolicy>
{
    private readonly ILogger<PolicyStore> _logger;
    private readonly ProxyMetrics _metrics;
    private readonly ProxyOptions _options;

    public PolicyStore(IOptions<ProxyOptions> options, ILogger<PolicyStore> logger, ProxyMetrics metrics)
        : base(AccessPolicy.DenyAll)
    {
        _options = options.Value;
        Path = options.Value.Policy;
        _logger = logger;
        _metrics = metrics;
    }

    public string Path { get; }

    protected override AccessPolicy? Load(string reason, AccessPolicy current)
    {
        var (policy, errors) = AccessPolicy.Load(Path);
        if (policy is null)
        {
            _metrics.Error("policy-load");
            Log.PolicyFailed(_logger, Path, reason, string.Join("; ", errors));
            return null;
        }

        Log.PolicyLoaded(_logger, Path, reason, policy.Rules.Count);
        foreach (var warning in PolicyWarnings.Of(policy, _options.Connect is not null, _options.Http is not null, _options.KeytabInUse is not null || _options.Users is not null))
        {
            Log.PolicyWarning(_logger, Path, warning);
        }

        return policy;
    }

    protected override void Failed(string reason, Exception exception)
    {
        _metrics.Error("policy-load");
        Log.PolicyFailed(_logger, Path, reason, exception.Message);
    }
}
