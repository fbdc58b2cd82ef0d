using Endpoints.Common.Text;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// A problem found in a zone file, reported the way compilers and named-checkzone do. Zone files arrive by pull
/// request, so text quoted from them is escaped: no control byte reaches a terminal, a CI log or our log.
/// </summary>
internal sealed record ZoneError(string File, int Line, string Message, bool IsWarning = false)
{
    /// <summary>An error a JSON reader already placed (<c>FILE:LINE:COLUMN: message</c>), kept as it reads.</summary>
    public static ZoneError Located(string text)
    {
        var split = text.IndexOf(": ", StringComparison.Ordinal);
        return split < 0 ? new ZoneError(text, 0, string.Empty) : new ZoneError(text[..split], 0, text[(split + 2)..]);
    }

    public override string ToString() => Line > 0
        ? $"{LogText.Printable(File)}:{Line}: {(IsWarning ? "warning: " : string.Empty)}{LogText.Printable(Message)}"
        : $"{LogText.Printable(File)}: {LogText.Printable(Message)}";
}
