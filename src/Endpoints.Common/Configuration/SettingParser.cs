using System.Net;

namespace Endpoints.Common.Configuration;

/// <summary>Parses address settings once, at start, into typed values; every bad value becomes an error naming its flag.</summary>
public static class SettingParser
{
    public static IPEndPoint[] Endpoints(IEnumerable<string> texts, int defaultPort, string flag, List<string> errors, bool allowAnyPort = false)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var text in texts)
        {
            if (EndpointParser.TryParse(text, defaultPort, out var endpoint, allowAnyPort))
            {
                endpoints.Add(endpoint);
            }
            else
            {
                errors.Add($"{flag} '{text}' is not {(defaultPort == 0 ? "ADDR:PORT" : "ADDR[:PORT]")}");
            }
        }

        return [.. endpoints];
    }

    public static IPEndPoint? Endpoint(string? text, string flag, List<string> errors) =>
        text is null ? null : Endpoints([text], 0, flag, errors, allowAnyPort: true).FirstOrDefault();

    public static IPNetwork[] Networks(IEnumerable<string> texts, string flag, List<string> errors)
    {
        var networks = new List<IPNetwork>();
        foreach (var text in texts)
        {
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{flag} '{text}' is not a CIDR");
            }
        }

        return [.. networks];
    }

    /// <summary>
    /// <c>--metrics</c>: comma-separated exporters, <c>prometheus</c>, <c>otlp</c> and <c>console</c>, or <c>none</c>.
    /// </summary>
    public static HashSet<string> MetricExporters(string? text, List<string> errors)
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
}
