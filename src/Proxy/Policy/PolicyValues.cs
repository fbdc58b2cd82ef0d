using System.Net;
using System.Text;
using System.Text.Json;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Policy;

/// <summary>The values of a policy file's lists, and how its JSON tokens are named in errors.</summary>
internal static class PolicyValues
{
    public static bool ParseSource(string text, out IPNetwork network, out string error)
    {
        if (AddressText.TryParseNetwork(text, bareAddress: true, out network, out error))
        {
            return true;
        }

        error = $"source {error}";
        return false;
    }

    public static bool ParseDestination(string text, out DestinationPattern pattern, out string error)
    {
        var parsed = DestinationPattern.TryParse(text, out pattern, out var message);
        error = message ?? string.Empty;
        return parsed;
    }

    public static bool ParseUser(string text, out UserPattern pattern, out string error)
    {
        var parsed = UserPattern.TryParse(text, out pattern, out var message);
        error = message ?? string.Empty;
        return parsed;
    }

    public static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true/false",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    public static string Describe(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : Describe(reader.TokenType);
}
