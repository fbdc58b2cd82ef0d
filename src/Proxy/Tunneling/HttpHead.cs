namespace Endpoints.Proxy.Tunneling;

/// <summary>The parts of an HTTP/1.x request head the proxy needs.</summary>
internal sealed record HttpHead(string Method, string Target, string Version, IReadOnlyList<(string Name, string Value)> Headers, int Length)
{
    /// <summary>The first value of the field <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return Headers[i].Value;
            }
        }

        return null;
    }

    /// <summary>How many times the field <paramref name="name"/> is sent: a field sent twice is often an attack.</summary>
    public int Count(string name)
    {
        var count = 0;
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Every value of the field <paramref name="name"/>, in order.</summary>
    public List<string> Values(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
}
