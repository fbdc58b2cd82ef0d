using System.Text.Json;
using System.Text.Json.Serialization;

namespace Endpoints.Aws;

/// <summary>JSON values handed to the CDK as plain .NET objects (dictionaries, lists, strings, numbers, booleans).</summary>
internal static class JsonObjects
{
    public static readonly JsonSerializerOptions Options = new() { Converters = { new PlainObjectConverter() } };

    private sealed class PlainObjectConverter : JsonConverter<object>
    {
        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => reader.TryGetInt64(out var whole) ? whole : reader.GetDouble(),
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.StartArray => JsonSerializer.Deserialize<List<object>>(ref reader, options)!.ToArray(),
            JsonTokenType.StartObject => JsonSerializer.Deserialize<Dictionary<string, object>>(ref reader, options),
            _ => null,
        };

        public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
    }
}
