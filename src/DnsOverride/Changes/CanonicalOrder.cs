namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// DNSSEC's canonical name order (RFC 4034 6.1), label by label from the root, so a zone reads top-down: a name key
/// turned once into a string whose ordinal order is that order (labels reversed, joined by the lowest char).
/// </summary>
internal static class CanonicalOrder
{
    public static string SortKey(string nameKey)
    {
        var labels = new List<string>();
        for (var i = 0; i < nameKey.Length; i += nameKey[i] + 1)
        {
            labels.Add(nameKey.Substring(i + 1, nameKey[i]));
        }

        labels.Reverse();
        return string.Join('\0', labels);
    }
}
