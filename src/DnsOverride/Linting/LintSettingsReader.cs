using System.Net;
using System.Text.Json;
using Endpoints.Common.Configuration;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Linting;

/// <summary>
/// Reads <c>lint.json</c> strictly: an unknown or misspelt key, a wrong type or a bad value is an error at its
/// FILE:LINE:COLUMN, all reported at once; a missing key keeps its default.
/// <code>{ "addresses": ["10.200.0.0/23"], "suffixes": ["amazonaws.com"], "ttl": { "min": 5, "max": 86400 } }</code>
/// </summary>
internal sealed class LintSettingsReader : StrictJsonFile
{
    private static readonly string[] TopKeys = ["addresses", "suffixes", "targets", "ports", "ttl"];
    private static readonly string[] TtlKeys = ["min", "max"];

    private LintSettings _settings = LintSettings.Default;

    private LintSettingsReader(string path, byte[] utf8)
        : base(path, utf8)
    {
    }

    /// <summary>The settings of <paramref name="directory"/>'s lint file, or the defaults when it has none.</summary>
    public static (LintSettings? Settings, IReadOnlyList<string> Errors) ReadFolder(string directory) =>
        ReadFolderFile(directory, LintSettings.FileName, LintSettings.Default, Read);

    public static (LintSettings? Settings, IReadOnlyList<string> Errors) Read(byte[] utf8, string path)
    {
        var reader = new LintSettingsReader(path, utf8);
        if (!reader.IsUtf8(utf8))
        {
            return (null, reader.Errors);
        }

        var json = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            reader.ReadDocument(ref json);
        }
        catch (JsonException ex)
        {
            return (null, [SyntaxError(path, ex)]);
        }

        if (reader._settings.TtlMin > reader._settings.TtlMax)
        {
            reader.Errors.Add($"{path}: ttl min {reader._settings.TtlMin} is above max {reader._settings.TtlMax}");
        }

        return reader.Errors.Count > 0 ? (null, reader.Errors) : (reader._settings, []);
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
                case "suffixes" or "targets":
                    var names = ReadStrings(ref value, key, (text, offset) =>
                    {
                        if (DnsName.TryParse(text.EndsWith('.') ? text : text + ".", null, out var name, out var error))
                        {
                            return (true, name);
                        }

                        Error(offset, $"'{text}' is not a domain name: {error}");
                        return (false, DnsName.Root);
                    });
                    _settings = key == "suffixes" ? _settings with { Suffixes = names } : _settings with { Targets = names };
                    break;
                case "ports":
                    ReadPorts(ref value);
                    break;
                default:
                    ReadTtl(ref value);
                    break;
            }
        });
    }

    private void ReadPorts(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Error(reader.TokenStartIndex, "'ports' must be a list of port numbers");
            reader.Skip();
            return;
        }

        var ports = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var port) || port is < 1 or > 65535)
            {
                Error(reader.TokenStartIndex, "a port must be a whole number from 1 to 65535");
                reader.Skip();
                continue;
            }

            ports.Add(port);
        }

        _settings = _settings with { Ports = ports };
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
