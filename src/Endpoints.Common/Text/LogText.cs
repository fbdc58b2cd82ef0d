using System.Globalization;
using System.Text;

namespace Endpoints.Common.Text;

/// <summary>
/// Values that came from a client (names, headers, TLVs) or from a file, made safe for a one-line text log: no
/// control byte reaches the terminal or the log shipper, and no value can pass itself off as another field.
/// </summary>
public static class LogText
{
    /// <summary>The value as a field: unchanged when it is plain (letters, digits, <c>.-_:[]*</c>), else quoted and escaped.</summary>
    public static string Field(string value) =>
        value.Length > 0 && value.All(IsPlain) ? value : $"\"{Escape(value)}\"";

    /// <summary>The value for inside quotes: <c>"</c> and <c>\</c> escaped, control and non-ASCII characters as <c>\xNN</c> or <c>\uNNNN</c>.</summary>
    public static string Escape(string value)
    {
        if (value.All(c => c is >= ' ' and <= '~' and not '"' and not '\\'))
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or '\x7f' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                > '~' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>Unquoted text (a file name, a message) with control characters (C0, DEL, C1) as <c>\xNN</c>; the rest kept.</summary>
    public static string Printable(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(char.IsControl(c) ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : c.ToString());
        }

        return escaped.ToString();
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '[' or ']' or '*' or '@';
}
