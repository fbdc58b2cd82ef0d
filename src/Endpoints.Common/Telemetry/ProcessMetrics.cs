using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Endpoints.Common.Telemetry;

/// <summary>
/// What every service reports about itself, as Prometheus exporters do: <c>endpoints.build.info</c> (1, with the
/// version and the git commit it was built from) and <c>process.start_time</c> (Unix seconds), so a dashboard shows
/// which build runs where and when it restarted.
/// </summary>
public static class ProcessMetrics
{
    public static void Register(Meter meter, Assembly service)
    {
        var informational = service.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        meter.CreateObservableGauge("endpoints.build.info", () => new Measurement<long>(1, new("version", version), new("commit", commit)),
            "{build}", "1, with the version and git commit of the running build");
        var started = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        meter.CreateObservableGauge("process.start_time", () => started, "s", "When the process started, in Unix seconds");
    }
}
