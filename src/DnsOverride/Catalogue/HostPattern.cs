namespace Endpoints.DnsOverride.Catalogue;

/// <summary>
/// A host name in which a <c>*</c> label matches any one label and a label ending in <c>*</c> any label with that
/// start (<c>s3express-*</c>); matched without regard to case.
/// </summary>
internal sealed class HostPattern
{
    private readonly string[] _labels;

    public HostPattern(string text)
    {
        Text = text;
        _labels = text.Split('.');
    }

    public string Text { get; }

    /// <summary>The zone a served form lives in: the pattern without a leading <c>*</c> label.</summary>
    public string Zone => _labels[0] == "*" ? string.Join('.', _labels[1..]) : Text;

    /// <summary>The owner inside <see cref="Zone"/>: <c>*</c> for a variable first label, <c>@</c> for the apex.</summary>
    public string Owner => _labels[0] == "*" ? "*" : "@";

    /// <summary>A name this pattern matches, with each variable label filled in (for probing).</summary>
    public string Example => string.Join('.', _labels.Select(l => l == "*" ? "example-label" : l.EndsWith('*') ? l[..^1] + "example" : l));

    public bool Matches(string host)
    {
        var labels = host.TrimEnd('.').Split('.');
        if (labels.Length != _labels.Length)
        {
            return false;
        }

        for (var i = 0; i < labels.Length; i++)
        {
            var pattern = _labels[i];
            var matched = pattern == "*" ? labels[i].Length > 0
                : pattern.EndsWith('*') ? labels[i].StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase) && labels[i].Length > pattern.Length - 1
                : labels[i].Equals(pattern, StringComparison.OrdinalIgnoreCase);
            if (!matched)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a name this pattern matches lies at or under <paramref name="zone"/>.</summary>
    public bool IsUnder(string zone)
    {
        var zoneLabels = zone.TrimEnd('.').Split('.');
        return zoneLabels.Length <= _labels.Length &&
            zoneLabels.Zip(_labels[^zoneLabels.Length..]).All(pair => pair.First.Equals(pair.Second, StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() => Text;
}
