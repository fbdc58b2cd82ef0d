using System.Globalization;

namespace Endpoints.DnsOverride.Changes;

/// <summary>SOA serial arithmetic (RFC 1982) and the serial to suggest when one was not bumped.</summary>
internal static class SerialNumber
{
    /// <summary>Whether <paramref name="next"/> comes after <paramref name="previous"/> in 32-bit serial arithmetic.</summary>
    public static bool IsAfter(uint next, uint previous)
    {
        var distance = unchecked(next - previous);
        return distance is > 0 and < 0x8000_0000;
    }

    /// <summary>
    /// The serial to use after <paramref name="previous"/>: today's YYYYMMDD00 when the zone already uses that form
    /// (the next nn when today's is taken), else previous + 1.
    /// </summary>
    public static uint Suggest(uint previous, DateOnly today)
    {
        if (IsDateForm(previous))
        {
            var first = uint.Parse(today.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) * 100;
            if (IsAfter(first, previous))
            {
                return first;
            }
        }

        return unchecked(previous + 1);
    }

    /// <summary>YYYYMMDDnn with a real date between 1990 and 2100.</summary>
    public static bool IsDateForm(uint serial) =>
        serial is >= 1990_01_01_00 and < 2100_01_01_00 &&
        DateOnly.TryParseExact((serial / 100).ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
