using System.Globalization;

namespace Endpoints.Common.Configuration;

/// <summary>
/// Durations as resolver settings write them: a number of seconds (<c>86400</c>, as BIND and Unbound take TTLs), or
/// a number with a unit (<c>1.8s</c>, <c>500ms</c>, <c>30m</c>, <c>1h</c>, <c>1d</c>), or a .NET time span
/// (<c>00:00:01.8</c>). A bare number is never read as days, as the configuration binder's TimeSpan would.
/// </summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        var (number, unit) = Split(text);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        double? seconds = unit switch
        {
            "" or "s" => value,
            "ms" => value / 1000,
            "m" => value * 60,
            "h" => value * 3600,
            "d" => value * 86400,
            _ => null,
        };
        if (seconds is not { } s || s > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(s);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or adds an error naming <paramref name="flag"/>.</summary>
    public static TimeSpan Parse(string? text, string flag, List<string> errors)
    {
        if (TryParse(text, out var duration))
        {
            return duration;
        }

        errors.Add($"{flag} '{text}' is not a duration (seconds, or a number with ms, s, m, h or d)");
        return default;
    }

    private static (string Number, string Unit) Split(string text)
    {
        var end = text.Length;
        while (end > 0 && char.IsAsciiLetter(text[end - 1]))
        {
            end--;
        }

        return (text[..end], text[end..].ToLowerInvariant());
    }
}
