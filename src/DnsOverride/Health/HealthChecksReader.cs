using System.Text.Json;
using Endpoints.Common.Configuration;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Health;

/// <summary>
/// Reads <c>health.json</c> from the zones folder, strictly (an unknown key, a wrong type or a bad value is an error at
/// its FILE:LINE:COLUMN, all reported at once):
/// <code>{"checks": [{"zone": "s3.amazonaws.com", "names": ["@", "*"], "tcp": 443, "interval": "5s", "timeout": "2s", "fall": 3, "rise": 2}]}</code>
/// or <c>"http": "/readyz", "port": 8080</c> instead of <c>"tcp"</c>. Defaults: interval 5 s (1 s at least), timeout
/// 2 s, fall 3, rise 2; at most <see cref="MaxChecks"/> checks, and as many names in each.
/// </summary>
internal sealed class HealthChecksReader : StrictJsonFile
{
    public const string FileName = "health.json";

    /// <summary>The shortest interval: HAProxy's checks run every 2 s by default, an NLB's every 5 s at the fastest.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>Checks and names per check: a folder of real zones needs a handful; 10,000 probes took 1.6 cores.</summary>
    public const int MaxChecks = 100;

    private static readonly string[] TopKeys = ["checks"];
    private static readonly string[] CheckKeys = ["zone", "names", "tcp", "http", "port", "interval", "timeout", "fall", "rise"];

    private readonly List<HealthCheck> _checks = [];

    private HealthChecksReader(string path, byte[] utf8)
        : base(path, utf8)
    {
    }

    /// <summary>The checks of <paramref name="directory"/>, none when it has no health.json, or null and the errors.</summary>
    public static (IReadOnlyList<HealthCheck>? Checks, IReadOnlyList<string> Errors) ReadFolder(string directory) =>
        ReadFolderFile<IReadOnlyList<HealthCheck>>(directory, FileName, [], Read);

    public static (IReadOnlyList<HealthCheck>? Checks, IReadOnlyList<string> Errors) Read(byte[] utf8, string path)
    {
        var reader = new HealthChecksReader(path, utf8);
        if (!reader.IsUtf8(utf8))
        {
            return (null, reader.Errors);
        }

        var json = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                reader.Error(json.TokenStartIndex, "expected an object: {\"checks\": [...]}");
            }
            else
            {
                reader.ReadObject(ref json, TopKeys, (ref Utf8JsonReader value, string _) => reader.ReadChecks(ref value));
            }
        }
        catch (JsonException ex)
        {
            return (null, [SyntaxError(path, ex)]);
        }

        return reader.Errors.Count > 0 ? (null, reader.Errors) : (reader._checks, []);
    }

    private void ReadChecks(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Error(reader.TokenStartIndex, "'checks' must be a list of objects");
            reader.Skip();
            return;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > MaxChecks)
            {
                Error(reader.TokenStartIndex, $"more than {MaxChecks} checks");
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Error(reader.TokenStartIndex, "each check must be an object");
                reader.Skip();
                continue;
            }

            ReadCheck(ref reader);
        }
    }

    private void ReadCheck(ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        DnsName? zone = null;
        List<string> names = [];
        int? tcp = null, port = null;
        string? http = null;
        TimeSpan interval = TimeSpan.FromSeconds(5), timeout = TimeSpan.FromSeconds(2);
        int fall = 3, rise = 2;
        ReadObject(ref reader, CheckKeys, (ref Utf8JsonReader value, string key) =>
        {
            var at = value.TokenStartIndex;
            switch (key)
            {
                case "zone" when value.TokenType == JsonTokenType.String:
                    var text = value.GetString()!;
                    zone = DnsName.TryParse(text.EndsWith('.') ? text : text + ".", null, out var name, out var error) ? name : null;
                    if (zone is null)
                    {
                        Error(at, $"'{text}' is not a zone name: {error}");
                    }

                    break;
                case "names":
                    names = ReadStrings(ref value, key, (text, _) => (true, text));
                    if (names.Count > MaxChecks)
                    {
                        Error(at, $"'names' lists {names.Count} names; at most {MaxChecks}");
                        names = [];
                    }

                    break;
                case "http" when value.TokenType == JsonTokenType.String && value.GetString()!.StartsWith('/'):
                    http = value.GetString();
                    break;
                case "tcp" or "port" when value.TokenType == JsonTokenType.Number && value.TryGetInt32(out var number) && number is > 0 and <= 65535:
                    (key == "tcp" ? ref tcp : ref port) = number;
                    break;
                case "interval" when value.TokenType == JsonTokenType.String && DurationParser.TryParse(value.GetString(), out var every) && every < MinInterval:
                    Error(at, $"'interval' must be at least {MinInterval.TotalSeconds:0}s: every address is probed from every instance");
                    break;
                case "interval" or "timeout" when value.TokenType == JsonTokenType.String && DurationParser.TryParse(value.GetString(), out var duration) && duration > TimeSpan.Zero:
                    (key == "interval" ? ref interval : ref timeout) = duration;
                    break;
                case "fall" or "rise" when value.TokenType == JsonTokenType.Number && value.TryGetInt32(out var count) && count is >= 1 and <= 100:
                    (key == "fall" ? ref fall : ref rise) = count;
                    break;
                default:
                    Error(at, key switch
                    {
                        "zone" => "'zone' must be a zone name",
                        "http" => "'http' must be a path starting with '/'",
                        "tcp" or "port" => $"'{key}' must be a port number (1-65535)",
                        "interval" or "timeout" => $"'{key}' must be a duration such as \"5s\" or \"500ms\"",
                        _ => $"'{key}' must be a whole number from 1 to 100",
                    });
                    value.Skip();
                    break;
            }
        });

        if (zone is null || names.Count == 0)
        {
            Error(start, "a check needs a 'zone' and its 'names' (\"@\" for the apex, \"*\" for the wildcard)");
            return;
        }

        if ((tcp is null) == (http is null) || (http is null) != (port is null))
        {
            Error(start, "a check needs either \"tcp\": PORT, or \"http\": \"/path\" with \"port\": PORT");
            return;
        }

        if (timeout >= interval)
        {
            Error(start, "'timeout' must be shorter than 'interval'");
            return;
        }

        var owners = new List<DnsName>();
        foreach (var text in names)
        {
            if (DnsName.TryParse(text == "@" ? zone.ToString() : $"{text}.{zone}", null, out var owner, out var error))
            {
                owners.Add(owner);
            }
            else
            {
                Error(start, $"'{text}' is not a name in {zone}: {error}");
            }
        }

        _checks.Add(new HealthCheck(zone, owners, tcp ?? port!.Value, http, interval, timeout, fall, rise));
    }
}
