namespace Endpoints.DnsOverride.Zones;

/// <summary>TTLs as BIND reads them: seconds, or units such as <c>1h30m</c> and <c>1W</c>.</summary>
internal static class TtlParser
{
    public static bool LooksLikeTtl(string text) => text.Length > 0 && char.IsAsciiDigit(text[0]);

    public static bool TryParse(string text, out ulong seconds)
    {
        seconds = 0;
        if (text.Length == 0)
        {
            return false;
        }

        ulong number = 0;
        var digits = 0;
        var sawUnit = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                number = (number * 10) + (ulong)(c - '0');
                if (number > uint.MaxValue * 10UL)
                {
                    return false;
                }

                digits++;
                continue;
            }

            ulong unit = char.ToLowerInvariant(c) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 604800,
                _ => 0,
            };
            if (unit == 0 || digits == 0)
            {
                return false;
            }

            seconds += number * unit;
            number = 0;
            digits = 0;
            sawUnit = true;
        }

        if (digits > 0)
        {
            seconds += number;
        }
        else if (!sawUnit)
        {
            return false;
        }

        return seconds <= uint.MaxValue;
    }
}
