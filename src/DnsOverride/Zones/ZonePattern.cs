using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// A zone name in which a <c>*</c> label stands for any one label (<c>dynamodb.*.amazonaws.com</c>: the DynamoDB
/// zone of every region), matched against a zone's origin.
/// </summary>
internal sealed class ZonePattern
{
    private readonly string[] _labels;

    private ZonePattern(string text, string[] labels)
    {
        Text = text;
        _labels = labels;
    }

    public string Text { get; }

    public static bool TryParse(string text, out ZonePattern pattern, out string? error)
    {
        pattern = null!;
        var name = text.EndsWith('.') ? text : text + ".";
        var labels = name[..^1].Split('.');
        var concrete = string.Join('.', labels.Select(l => l == "*" ? "x" : l)) + ".";
        if (labels.Any(l => l.Contains('*', StringComparison.Ordinal) && l != "*"))
        {
            error = "a '*' must be a whole label";
            return false;
        }

        if (!DnsName.TryParse(concrete, null, out _, out error))
        {
            return false;
        }

        pattern = new ZonePattern(text, [.. labels.Select(l => l.ToLowerInvariant())]);
        return true;
    }

    /// <summary>Whether <paramref name="origin"/> is this zone: every label equal (ignoring case) or matched by a <c>*</c>.</summary>
    public bool Matches(DnsName origin)
    {
        var key = origin.Key.AsSpan();
        foreach (var label in _labels)
        {
            if (key.IsEmpty)
            {
                return false;
            }

            var actual = key.Slice(1, key[0]);
            key = key[(key[0] + 1)..];
            if (label != "*" && !actual.Equals(label, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return key.IsEmpty;
    }

    public override string ToString() => Text;
}
