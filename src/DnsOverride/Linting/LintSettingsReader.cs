using System.Net;
using System.Text.Json;
using Endpoints.Common.Text;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Linting;

/// <summary>
/// Reads <c>lint.json</c> strictly: an unknown or misspelt key, a wrong type or a bad value is an error at its
/// FILE:LINE:COLUMN, all reported at once; a missing key keeps its default.
/// <code>{ "addresses": ["10.200.0.0/23"], "suffixes": ["amazonaws.com"], "ttl": { "min": 5, "max": 86400 } }</code>
/// </summary>
internal sealed class LintSettingsReader
{
    private static readonly string[] TopKeys = ["addresses", "suffixes", "ttl"];
    private static readonly string[] TtlKeys = ["min", "max"];
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly string _path;
    private readonly TextPositions _positions;
    private readonly List<string> _errors = [];
    private LintSettings _settings = LintSettings.Default;

    private LintSettingsReader(string path, byte[] utf8)
    {
        _path = path;
        _positions = new TextPositions(utf8);
    }

    /// <summary>The settings of <paramref name="directory"/>'s lint file, or the defaults when it has none.</summary>
    public static (LintSettings? Settings, IReadOnlyList<string> Errors) ReadFolder(string directory)
    {
        var path = Path.Combine(directory, LintSettings.FileName);
        return File.Exists(path) ? Read(File.ReadAllBytes(path), path) : (LintSettings.Default, []);
    }

    public static (LintSettings? Settings, IReadOnlyList<string> Errors) Read(byte[] utf8, string path)
    {
        var reader = new LintSettingsReader(path, utf8);
        var json = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            reader.ReadDocument(ref json);
        }
        catch (JsonException ex)
        {
            var cut = ex.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (null, [$"{path}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: invalid JSON: {(cut > 0 ? ex.Message[..cut] : ex.Message)}"]);
        }

        if (reader._settings.TtlMin > reader._settings.TtlMax)
        {
            reader._errors.Add($"{path}: ttl min {reader._settings.TtlMin} is above max {reader._settings.TtlMax}");
        }

        return reader._errors.Count > 0 ? (null, reader._errors) : (reader._settings, []);
    }

    private void Error(long offset, string message)
    {
        var (line, column) = _positions.At(offset);
        _errors.Add($"{_path}:{line}:{column}: {message}");
    }

    private void ReadDocument(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            Error(reader.TokenStartIndex, "expected an object: { \"addresses\": [...], \"suffixes\": [...], \"ttl\": { \"min\": 5, \"max\": 86400 } }");
            return;
        }

        ReadObject(ref reader, TopKeys, (ref Utf8JsonReader value, string key) =>
        {
            switch (key)
            {
                case "addresses":
                    var networks = ReadStrings(ref value, key, (text, offset) =>
                    {
                        if (IPNetwork.TryParse(text, out var network))
                        {
                            return (true, network);
                        }

                        Error(offset, $"'{text}' is not a CIDR (e.g. 10.200.0.0/23)");
                        return (false, default);
                    });
                    _settings = _settings with { Addresses = networks, AddressesGiven = true };
                    break;
                case "suffixes":
                    var names = ReadStrings(ref value, key, (text, offset) =>
                    {
                        if (DnsName.TryParse(text.EndsWith('.') ? text : text + ".", null, out var name, out var error))
                        {
                            return (true, name);
                        }

                        Error(offset, $"'{text}' is not a domain name: {error}");
                        return (false, DnsName.Root);
                    });
                    _settings = _settings with { Suffixes = names };
                    break;
                default:
                    ReadTtl(ref value);
                    break;
            }
        });
    }

    private delegate void ValueReader(ref Utf8JsonReader reader, string key);

    /// <summary>Reads an object's keys, each once and each known, handing every value to <paramref name="read"/>.</summary>
    private void ReadObject(ref Utf8JsonReader reader, string[] known, ValueReader read)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            var offset = reader.TokenStartIndex;
            reader.Read();
            if (!known.Contains(key))
            {
                Error(offset, $"unknown key '{key}'{Suggestion.DidYouMean(key, known)}");
                reader.Skip();
            }
            else if (!seen.Add(key))
            {
                Error(offset, $"'{key}' appears twice");
                reader.Skip();
            }
            else
            {
                read(ref reader, key);
            }
        }
    }

    private List<T> ReadStrings<T>(ref Utf8JsonReader reader, string key, Func<string, long, (bool Ok, T Value)> parse)
    {
        var values = new List<T>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Error(reader.TokenStartIndex, $"'{key}' must be a list of strings");
            reader.Skip();
            return values;
        }

        var start = reader.TokenStartIndex;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType != JsonTokenType.String)
            {
                Error(reader.TokenStartIndex, $"'{key}' must be a list of strings");
                reader.Skip();
                continue;
            }

            if (parse(reader.GetString()!, reader.TokenStartIndex) is (true, var value))
            {
                values.Add(value);
            }
        }

        if (count == 0)
        {
            Error(start, $"'{key}' is empty; leave it out for the default");
        }

        return values;
    }

    private void ReadTtl(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Error(reader.TokenStartIndex, "'ttl' must be an object: { \"min\": 5, \"max\": 86400 }");
            reader.Skip();
            return;
        }

        ReadObject(ref reader, TtlKeys, (ref Utf8JsonReader value, string key) =>
        {
            if (value.TokenType != JsonTokenType.Number || !value.TryGetUInt32(out var seconds) || seconds > int.MaxValue)
            {
                Error(value.TokenStartIndex, $"'ttl.{key}' must be a whole number of seconds");
                value.Skip();
                return;
            }

            _settings = key == "min" ? _settings with { TtlMin = seconds } : _settings with { TtlMax = seconds };
        });
    }
}
