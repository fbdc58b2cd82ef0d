using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Endpoints.Common.Text;

namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// A <see cref="ChangeReport"/> as text for a terminal, Markdown for <c>$GITHUB_STEP_SUMMARY</c> or a PR comment
/// (errors first, a table per zone), or JSON with the same content for tools.
/// </summary>
internal static class ChangeFormatter
{
    public static string Format(ChangeReport report, string format) => format switch
    {
        "markdown" => Markdown(report),
        "json" => Json(report),
        _ => Text(report),
    };

    private static string Sign(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "+",
        ChangeKind.Removed => "-",
        _ => "~",
    };

    private static string Word(ChangeKind? kind) => kind switch
    {
        ChangeKind.Added => "added",
        ChangeKind.Removed => "removed",
        ChangeKind.Changed => "changed",
        ChangeKind.TtlChanged => "ttl",
        _ => "unchanged",
    };

    private static string Serials(ZoneChange zone) => zone.Kind switch
    {
        ChangeKind.Added => $"serial {zone.NewSerial}",
        ChangeKind.Removed => $"serial {zone.OldSerial}",
        _ => $"serial {zone.OldSerial} -> {zone.NewSerial}",
    };

    private static string Text(ChangeReport report)
    {
        var text = new StringBuilder();
        foreach (var error in report.Errors)
        {
            text.Append("error: ").AppendLine(error);
        }

        foreach (var zone in report.Changed)
        {
            text.AppendLine($"zone {zone.Zone} {Word(zone.Kind)} ({Serials(zone)}, {zone.File})");
            foreach (var set in zone.Sets)
            {
                text.AppendLine($"  {Sign(set.Kind)} {set.Describe()}");
            }

            foreach (var answer in zone.Answers)
            {
                text.AppendLine($"  answer {answer.Describe()}");
            }
        }

        foreach (var settings in report.Settings)
        {
            text.AppendLine($"settings {settings.File} {Word(settings.Kind)}");
            foreach (var line in settings.Removed)
            {
                text.AppendLine($"  - {LogText.Printable(line)}");
            }

            foreach (var line in settings.Added)
            {
                text.AppendLine($"  + {LogText.Printable(line)}");
            }

            foreach (var loosened in settings.Loosened)
            {
                text.AppendLine($"  loosens {loosened}");
            }
        }

        return text.AppendLine(report.Summary).ToString();
    }

    private static string Markdown(ChangeReport report)
    {
        var text = new StringBuilder().AppendLine($"## DNS zone changes against `{report.Against}`").AppendLine();
        if (report.Failed)
        {
            text.AppendLine("**Errors**").AppendLine();
            foreach (var error in report.Errors)
            {
                text.AppendLine($"- :x: {Cell(error)}");
            }

            text.AppendLine();
        }

        foreach (var zone in report.Changed)
        {
            text.AppendLine($"### `{Cell(zone.Zone)}` {Word(zone.Kind)} ({Serials(zone)})").AppendLine();
            text.AppendLine("| | name | type | TTL | data |").AppendLine("|---|---|---|---|---|");
            foreach (var set in zone.Sets)
            {
                var ttl = set.OldTtl is { } before && set.NewTtl is { } after && before != after ? $"{before} → {after}" : $"{set.NewTtl ?? set.OldTtl}";
                var data = set.Kind switch
                {
                    ChangeKind.Added or ChangeKind.TtlChanged => RecordSetChange.Join(set.NewData),
                    ChangeKind.Removed => RecordSetChange.Join(set.OldData),
                    _ => $"{RecordSetChange.Join(set.OldData)} → {RecordSetChange.Join(set.NewData)}",
                };
                text.AppendLine($"| {Sign(set.Kind)} | `{Cell(set.Owner)}` | {set.TypeName} | {ttl} | `{Cell(data)}` |");
            }

            text.AppendLine();
            if (zone.Answers.Count > 0)
            {
                text.AppendLine("Answers that change:").AppendLine().AppendLine("| name | before | after |").AppendLine("|---|---|---|");
                foreach (var answer in zone.Answers)
                {
                    text.AppendLine($"| `{Cell(answer.Name)}` | `{Cell(answer.Before)}` | `{Cell(answer.After)}` |");
                }

                text.AppendLine();
            }
        }

        foreach (var settings in report.Settings)
        {
            text.AppendLine($"### `{settings.File}` {Word(settings.Kind)}").AppendLine();
            text.AppendLine("| | line |").AppendLine("|---|---|");
            foreach (var (sign, line) in settings.Removed.Select(l => ("-", l)).Concat(settings.Added.Select(l => ("+", l))))
            {
                text.AppendLine($"| {sign} | `{Cell(LogText.Printable(line))}` |");
            }

            text.AppendLine();
            foreach (var loosened in settings.Loosened)
            {
                text.AppendLine($"- :warning: loosens {Cell(loosened)}");
            }

            if (settings.Loosened.Count > 0)
            {
                text.AppendLine();
            }
        }

        return text.AppendLine($"**{report.Summary}**").ToString();
    }

    /// <summary>Zone text inside a table cell: a pipe would end the cell and a backtick the code span.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Json(ChangeReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("against", report.Against);
            json.WriteString("summary", report.Summary);
            json.WriteBoolean("failed", report.Failed);
            json.WriteStartArray("errors");
            foreach (var error in report.Errors)
            {
                json.WriteStringValue(error);
            }

            json.WriteEndArray();
            json.WriteStartArray("zones");
            foreach (var zone in report.Changed)
            {
                json.WriteStartObject();
                json.WriteString("zone", zone.Zone);
                json.WriteString("file", zone.File);
                json.WriteString("change", Word(zone.Kind));
                Number(json, "oldSerial", zone.OldSerial);
                Number(json, "newSerial", zone.NewSerial);
                json.WriteStartArray("rrsets");
                foreach (var set in zone.Sets)
                {
                    json.WriteStartObject();
                    json.WriteString("name", set.Owner);
                    json.WriteString("type", set.TypeName);
                    json.WriteString("change", Word(set.Kind));
                    Number(json, "oldTtl", set.OldTtl);
                    Number(json, "newTtl", set.NewTtl);
                    Strings(json, "old", set.OldData);
                    Strings(json, "new", set.NewData);
                    json.WriteString("text", set.Describe());
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("answers");
                foreach (var answer in zone.Answers)
                {
                    json.WriteStartObject();
                    json.WriteString("name", answer.Name);
                    json.WriteString("before", answer.Before);
                    json.WriteString("after", answer.After);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("settings");
            foreach (var settings in report.Settings)
            {
                json.WriteStartObject();
                json.WriteString("file", settings.File);
                json.WriteString("change", Word(settings.Kind));
                Strings(json, "removed", settings.Removed);
                Strings(json, "added", settings.Added);
                Strings(json, "loosened", settings.Loosened);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static void Number(Utf8JsonWriter json, string name, uint? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
