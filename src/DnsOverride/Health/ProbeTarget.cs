using System.Net;

namespace Endpoints.DnsOverride.Health;

/// <summary>
/// One address probed for one check, with its state: up until <see cref="HealthCheck.Fall"/> failures in a row, then
/// down until <see cref="HealthCheck.Rise"/> successes in a row (HAProxy's fall and rise). Starts up, as HAProxy's
/// servers do, so a restart does not empty answers while the first probes run.
/// </summary>
internal sealed class ProbeTarget(string zone, IPAddress address, HealthCheck check)
{
    private int _successes;
    private int _failures;

    public string Zone { get; } = zone;

    public IPAddress Address { get; } = address;

    public HealthCheck Check { get; private set; } = check;

    public bool Up { get; private set; } = true;

    /// <summary>What identifies it across reloads: the same address probed the same way keeps its state.</summary>
    public string Key => Describe(Address, Check);

    /// <summary>Stops its probe loop when it is no longer in any zone.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    public static string Describe(IPAddress address, HealthCheck check) =>
        check.HttpPath is { } path ? $"http://{new IPEndPoint(address, check.Port)}{path}" : $"tcp {new IPEndPoint(address, check.Port)}";

    /// <summary>Takes the timings of a reloaded check that probes the same way.</summary>
    public void Update(HealthCheck check) => Check = check;

    /// <summary>Counts a probe; true when it changed the state.</summary>
    public bool Record(bool success)
    {
        if (success)
        {
            _failures = 0;
            if (!Up && ++_successes >= Check.Rise)
            {
                Up = true;
                _successes = 0;
                return true;
            }
        }
        else
        {
            _successes = 0;
            if (Up && ++_failures >= Check.Fall)
            {
                Up = false;
                _failures = 0;
                return true;
            }
        }

        return false;
    }
}
