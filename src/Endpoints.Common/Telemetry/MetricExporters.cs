using OpenTelemetry.Metrics;

namespace Endpoints.Common.Telemetry;

/// <summary>
/// <c>--metrics</c> for both services: comma-separated exporters, <c>prometheus</c>, <c>otlp</c> (endpoint and headers
/// from the standard <c>OTEL_EXPORTER_OTLP_*</c> variables) and <c>console</c>, or <c>none</c>.
/// </summary>
public static class MetricExporters
{
    public static HashSet<string> Parse(string? text, List<string> errors)
    {
        var exporters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var exporter in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (exporter.ToLowerInvariant() is "prometheus" or "otlp" or "console")
            {
                exporters.Add(exporter.ToLowerInvariant());
            }
            else if (!exporter.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"--metrics '{exporter}' must be prometheus, otlp, console or none (comma-separated)");
            }
        }

        return exporters;
    }

    /// <summary>Adds each exporter <see cref="Parse"/> accepted to <paramref name="metrics"/>.</summary>
    public static MeterProviderBuilder AddExporters(this MeterProviderBuilder metrics, IEnumerable<string> exporters)
    {
        foreach (var exporter in exporters)
        {
            _ = exporter switch
            {
                "prometheus" => metrics.AddPrometheusExporter(),
                "otlp" => metrics.AddOtlpExporter(),
                _ => metrics.AddConsoleExporter(),
            };
        }

        return metrics;
    }
}
