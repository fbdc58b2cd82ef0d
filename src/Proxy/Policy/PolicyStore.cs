using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Policy;

/// <summary>The policy in force. A reload that fails keeps the last good policy and logs why.</summary>
internal sealed class PolicyStore
{
    private readonly ILogger<PolicyStore> _logger;
    private readonly ProxyMetrics _metrics;
    private readonly Lock _lock = new();
    private AccessPolicy _current = AccessPolicy.DenyAll;

    public PolicyStore(IOptions<ProxyOptions> options, ILogger<PolicyStore> logger, ProxyMetrics metrics)
    {
        Path = options.Value.Policy;
        _logger = logger;
        _metrics = metrics;
    }

    public string Path { get; }

    public AccessPolicy Current => Volatile.Read(ref _current);

    public bool Reload(string reason)
    {
        lock (_lock)
        {
            var (policy, errors) = AccessPolicy.Load(Path);
            if (policy is null)
            {
                _metrics.Error("policy-load");
                Log.PolicyFailed(_logger, Path, reason, string.Join("; ", errors));
                return false;
            }

            Volatile.Write(ref _current, policy);
            Log.PolicyLoaded(_logger, Path, reason, policy.Rules.Count);
            return true;
        }
    }
}
