using System.Net;
using System.Text;
using System.Text.Json;
using Endpoints.Common.Configuration;
using Endpoints.Common.Text;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// Reads a policy file strictly: every unknown or misspelt key, wrong type, empty list, bad value, duplicate name
/// and unreachable rule is an error at its FILE:LINE:COLUMN, all reported at once. A typo must never widen a rule
/// (an ignored <c>"port"</c> would mean any port).
/// </summary>
internal sealed class PolicyReader : StrictJsonFile
{
    private static readonly string[] TopKeys = ["rules"];
    private static readonly string[] RuleKeys = ["name", "action", "sources", "destinations", "ports", "users"];
    private static readonly string[] OptionalKeys = ["ports", "users"];
    private readonly List<(PolicyRule Rule, int Line, string Where)> _rules = [];

    private PolicyReader(string path, byte[] utf8)
        : base(path, utf8)
    {
    }

    public static (AccessPolicy? Policy, IReadOnlyList<string> Errors) Read(string json, string path)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var reader = new PolicyReader(path, utf8);
        var json8 = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            reader.ReadDocument(ref json8);
        }
        catch (JsonException ex)
        {
            return (null, [SyntaxError(path, ex)]);
        }

        PolicyRuleChecks.Check(reader._rules, reader.Errors);
        return reader.Errors.Count > 0 ? (null, reader.Errors) : (new AccessPolicy(reader._rules.Select(r => r.Rule).ToArray()), []);
    }

    private void ReadDocument(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            Error(0, "empty file; expected { \"rules\": [ ... ] }");
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Error(reader.TokenStartIndex, "expected { \"rules\": [ ... ] }");
            return;
        }

        var start = reader.TokenStartIndex;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            var keyOffset = reader.TokenStartIndex;
            reader.Read();
            if (!seen.Add(key))
            {
                Error(keyOffset, $"'{key}' appears twice");
                reader.Skip();
            }
            else if (key == "rules")
            {
                ReadRules(ref reader, keyOffset);
            }
            else
            {
                Error(keyOffset, $"unknown key '{key}'{Suggestion.DidYouMean(key, TopKeys)}");
                reader.Skip();
            }
        }

        if (!seen.Contains("rules"))
        {
            Error(start, "no 'rules' list");
        }

        if (reader.Read())
        {
            Error(reader.TokenStartIndex, "unexpected content after the policy object");
        }
    }

    private void ReadRules(ref Utf8JsonReader reader, long keyOffset)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Error(reader.TokenStartIndex, $"'rules' must be a list of rules, not {PolicyValues.Describe(reader.TokenType)}");
            reader.Skip();
            return;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Error(reader.TokenStartIndex, $"a rule must be an object, not {PolicyValues.Describe(reader.TokenType)}");
                reader.Skip();
                continue;
            }

            ReadRule(ref reader);
        }

        if (count == 0)
        {
            Error(keyOffset, "no rules (everything would be denied; write a deny rule to mean that)");
        }
    }

    private void ReadRule(ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? name = null;
        bool? allow = null;
        List<IPNetwork>? sources = null;
        List<DestinationPattern>? destinations = null;
        HashSet<int>? ports = null;
        List<UserPattern>? users = null;
        var errorsBefore = Errors.Count;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            var keyOffset = reader.TokenStartIndex;
            reader.Read();
            if (!seen.Add(key))
            {
                Error(keyOffset, $"'{key}' appears twice in one rule");
                reader.Skip();
                continue;
            }

            switch (key)
            {
                case "name":
                    name = ReadString(ref reader, key);
                    if (name is { Length: 0 } || name?.Trim().Length == 0)
                    {
                        Error(reader.TokenStartIndex, "'name' must not be empty");
                        name = null;
                    }

                    break;
                case "action":
                    var action = ReadString(ref reader, key);
                    allow = action switch { "allow" => true, "deny" => false, _ => null };
                    if (action is not null && allow is null)
                    {
                        Error(reader.TokenStartIndex, $"'action' must be \"allow\" or \"deny\", not \"{action}\"");
                    }

                    break;
                case "sources":
                    sources = ReadList<IPNetwork>(ref reader, key, PolicyValues.ParseSource);
                    break;
                case "destinations":
                    destinations = ReadList<DestinationPattern>(ref reader, key, PolicyValues.ParseDestination);
                    break;
                case "ports":
                    ports = ReadPorts(ref reader);
                    break;
                case "users":
                    users = ReadList<UserPattern>(ref reader, key, PolicyValues.ParseUser);
                    break;
                default:
                    Error(keyOffset, $"unknown key '{key}'{Suggestion.DidYouMean(key, RuleKeys)}");
                    reader.Skip();
                    break;
            }
        }

        foreach (var required in RuleKeys.Where(k => !OptionalKeys.Contains(k) && !seen.Contains(k)))
        {
            Error(start, $"rule '{name ?? "unnamed"}' has no '{required}'");
        }

        // Every problem in the rule was reported, so a rule that added no error is whole (ports and users may be absent).
        if (Errors.Count == errorsBefore && name is not null && allow is { } isAllow && sources is not null && destinations is not null)
        {
            _rules.Add((new PolicyRule(name, isAllow, Conditions(sources, destinations, ports), users), LineOf(start), Where(start)));
        }
        else
        {
            _rules.Add((null!, 0, string.Empty));
        }
    }

    private string? ReadString(ref Utf8JsonReader reader, string key)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        Error(reader.TokenStartIndex, $"'{key}' must be a string, not {PolicyValues.Describe(reader.TokenType)}");
        reader.Skip();
        return null;
    }

    /// <summary>A non-empty list of strings, each parsed; null when anything in it is wrong.</summary>
    private List<T>? ReadList<T>(ref Utf8JsonReader reader, string key, ItemParser<T> parse)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Error(reader.TokenStartIndex, $"'{key}' must be a list of strings, not {PolicyValues.Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        var start = reader.TokenStartIndex;
        var errors = Errors.Count;
        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                Error(reader.TokenStartIndex, $"'{key}' must hold strings, not {PolicyValues.Describe(reader.TokenType)}");
                reader.Skip();
            }
            else if (parse(reader.GetString()!, out var item, out var error))
            {
                items.Add(item);
            }
            else
            {
                Error(reader.TokenStartIndex, error);
            }
        }

        if (items.Count == 0 && Errors.Count == errors)
        {
            Error(start, $"'{key}' must not be empty");
        }

        // Whole when reading it reported no error.
        return Errors.Count == errors ? items : null;
    }

    private HashSet<int>? ReadPorts(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Error(reader.TokenStartIndex, $"'ports' must be a list of port numbers, not {PolicyValues.Describe(reader.TokenType)} (omit it for any port)");
            reader.Skip();
            return null;
        }

        var start = reader.TokenStartIndex;
        var errors = Errors.Count;
        var ports = new HashSet<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var port) || port is < 1 or > 65535)
            {
                Error(reader.TokenStartIndex, $"a port must be a whole number from 1 to 65535, not {PolicyValues.Describe(ref reader)}");
                reader.Skip();
            }
            else
            {
                ports.Add(port);
            }
        }

        if (ports.Count == 0 && Errors.Count == errors)
        {
            Error(start, "'ports' must not be empty (omit it for any port)");
        }

        return Errors.Count == errors ? ports : null;
    }

    /// <summary>The cheap checks first: the source and the port before the destination patterns.</summary>
    private static IRuleCondition[] Conditions(IReadOnlyList<IPNetwork> sources, IReadOnlyList<DestinationPattern> destinations, IReadOnlySet<int>? ports) =>
        ports is null
            ? [new SourceCondition(sources), new DestinationCondition(destinations)]
            : [new SourceCondition(sources), new PortCondition(ports), new DestinationCondition(destinations)];
}
