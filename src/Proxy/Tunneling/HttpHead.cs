namespace Endpoints.Proxy.Tunneling;

/// <summary>The parts of an HTTP/1.x request head the proxy needs.</summary>
internal sealed record HttpHead(string Method, string Target, string Version, IReadOnlyList<(string Name, string Value)> Headers, int Length)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
