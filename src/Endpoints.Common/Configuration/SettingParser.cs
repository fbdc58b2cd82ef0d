using System.Net;
using Endpoints.Common.Networking;

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
            if (AddressText.TryParseNetwork(text, bareAddress: false, out var network, out var error))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{flag} {error}");
            }
        }

        return [.. networks];
    }
}
