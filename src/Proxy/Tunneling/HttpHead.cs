namespace Endpoints.Proxy.Tunneling;

/// <summary>The parts of an HTTP/1.x request head the proxy needs.</summary>
internal sealed record HttpHead(string Method, string Target, string Version, IReadOnlyList<(string Name, string Value)> Headers, int Length)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every value of the field <paramref name="name"/>, in order: a field sent twice is often an attack.</summary>
    public List<string> Values(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
}
