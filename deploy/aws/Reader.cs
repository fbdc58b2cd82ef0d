using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Endpoints.Common.Text;

namespace Endpoints.Aws;

/// <summary>Typed reads of the inputs' JSON, each failure one error with its path; nothing is guessed or ignored.</summary>
internal sealed class Reader(List<string> errors)
{
    public void OnlyKnown(JsonObject node, string path, IReadOnlyList<string> known)
    {
        foreach (var (key, _) in node)
        {
            if (!known.Contains(key))
            {
                errors.Add($"{path}.{key}: unknown key{Suggestion.DidYouMean(key, known)}");
            }
        }
    }

    public string? String(JsonObject node, string key, string path, string pattern, string what, string? fallback = null, bool required = true)
    {
        var value = node[key];
        if (value is null)
        {
            if (required && fallback is null)
            {
                errors.Add($"{path}.{key}: missing; {what}");
            }

            return fallback;
        }

        if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || !Regex.IsMatch(text, pattern))
        {
            errors.Add($"{path}.{key}: {value.ToJsonString()} is not {what}");
            return null;
        }

        return text;
    }

    public IPNetwork? Network(JsonObject node, string key, string path)
    {
        if (node[key] is null)
        {
            errors.Add($"{path}.{key}: missing; an IPv4 CIDR such as 10.20.0.0/24");
            return null;
        }

        return Network(node[key], $"{path}.{key}");
    }

    public IPNetwork? Network(JsonNode? node, string path)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var text) && IPNetwork.TryParse(text, out var network) &&
            network.BaseAddress.AddressFamily == AddressFamily.InterNetwork && network.ToString() == text)
        {
            return network;
        }

        errors.Add($"{path}: {node?.ToJsonString() ?? "null"} is not an IPv4 CIDR with its host bits zero, such as 10.20.0.0/24");
        return null;
    }

    public IPAddress? Address(JsonObject node, string key, string path)
    {
        if (node[key] is JsonValue v && v.TryGetValue<string>(out var text) && IPAddress.TryParse(text, out var address) &&
            address.AddressFamily == AddressFamily.InterNetwork && address.ToString() == text)
        {
            return address;
        }

        errors.Add($"{path}.{key}: {node[key]?.ToJsonString() ?? "missing"}; an IPv4 address inside the subnet");
        return null;
    }

    public int? Integer(JsonObject node, string key, string path, int min, int max)
    {
        if (node[key] is JsonValue v && v.TryGetValue<int>(out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{path}.{key}: {node[key]?.ToJsonString() ?? "missing"}; a whole number from {min} to {max}");
        return null;
    }

    public bool Boolean(JsonObject node, string key, string path)
    {
        if (node[key] is null)
        {
            return false;
        }

        if (node[key] is JsonValue v && v.TryGetValue<bool>(out var value))
        {
            return value;
        }

        errors.Add($"{path}.{key}: {node[key]!.ToJsonString()} is not true or false");
        return false;
    }

    /// <summary>An IAM policy document for a VPC endpoint; null (absent) leaves AWS's default, full access.</summary>
    public JsonObject? Policy(JsonObject node, string key, string path)
    {
        switch (node[key])
        {
            case null:
                return null;
            case JsonObject policy when policy["Statement"] is JsonArray { Count: > 0 }:
                return policy;
            default:
                errors.Add($"{path}.{key}: must be an IAM policy document with a non-empty \"Statement\" list");
                return null;
        }
    }
}
