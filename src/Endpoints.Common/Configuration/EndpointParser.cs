using System.Net;

namespace Endpoints.Common.Configuration;

/// <summary>
/// Parses <c>ADDR[:PORT]</c> and <c>[V6]:PORT</c>; a bare address takes <c>defaultPort</c> (0: a port is required).
/// Port 0 (the system picks one, as tests use) only where <c>allowAnyPort</c> says so: a listener, never a peer.
/// </summary>
public static class EndpointParser
{
    public static bool TryParse(string? text, int defaultPort, out IPEndPoint endpoint, bool allowAnyPort = false)
    {
        endpoint = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (IPAddress.TryParse(text, out var bare) && !text.StartsWith('['))
        {
            endpoint = new IPEndPoint(bare, defaultPort);
            return defaultPort > 0;
        }

        if (!IPEndPoint.TryParse(text, out var parsed))
        {
            return false;
        }

        var hasPort = text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Contains(':', StringComparison.Ordinal);
        endpoint = hasPort ? parsed : new IPEndPoint(parsed.Address, defaultPort);
        return endpoint.Port is > 0 and <= 65535 || (allowAnyPort && hasPort && endpoint.Port == 0);
    }
}
