using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Endpoints.Common.Text;

namespace Endpoints.Common.Configuration;

/// <summary>
/// What the readers of the strict JSON files (the zones folder's lint.json and health.json, the proxy's policy) share:
/// every problem reported at its FILE:LINE:COLUMN, unknown and repeated keys refused with a suggestion, all errors
/// collected before giving up.
/// </summary>
public abstract class StrictJsonFile
{
    protected static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly TextPositions _positions;

    protected StrictJsonFile(string path, byte[] utf8)
    {
        Path = path;
        _positions = new TextPositions(utf8);
    }

    protected delegate void ValueReader(ref Utf8JsonReader reader, string key);

    protected string Path { get; }

    protected List<string> Errors { get; } = [];

    /// <summary>
    /// Reads <paramref name="name"/> in <paramref name="directory"/> with <paramref name="read"/>: <paramref name="absent"/>
    /// when there is no such file, and an error (never an exception) when it exists but cannot be read.
    /// </summary>
    protected static (T? Value, IReadOnlyList<string> Errors) ReadFolderFile<T>(
        string directory, string name, T absent, Func<byte[], string, (T? Value, IReadOnlyList<string> Errors)> read)
        where T : class
    {
        var path = System.IO.Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            return (absent, []);
        }

        byte[] utf8;
        try
        {
            utf8 = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [$"{path}: cannot read: {ex.Message}"]);
        }

        return read(utf8, path);
    }

    /// <summary>A syntax error as <c>FILE:LINE:COLUMN: invalid JSON: ...</c>.</summary>
    protected static string SyntaxError(string path, JsonException ex) =>
        $"{path}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: invalid JSON: {Reason(ex)}";

    /// <summary>The JSON reader's message without the position it appends (" LineNumber: ..."), which callers give as FILE:LINE.</summary>
    public static string Reason(Exception ex)
    {
        var cut = ex.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? ex.Message[..cut] : ex.Message;
    }

    protected void Error(long offset, string message) => Errors.Add($"{Where(offset)}: {message}");

    /// <summary>
    /// Whether the file is UTF-8 throughout; if not, the error is at its first bad byte. The JSON reader itself throws
    /// InvalidOperationException, not a JsonException, on such a byte in a string (found by bench/fuzz.sh).
    /// </summary>
    protected bool IsUtf8(byte[] utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return true;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(utf8.AsSpan(offset), out _, out var length) == OperationStatus.Done)
        {
            offset += length;
        }

        Error(offset, $"not UTF-8 text (byte 0x{utf8[offset]:X2})");
        return false;
    }

    /// <summary>FILE:LINE:COLUMN of a byte offset.</summary>
    protected string Where(long offset)
    {
        var (line, column) = _positions.At(offset);
        return $"{Path}:{line}:{column}";
    }

    /// <summary>The line (from 1) of a byte offset.</summary>
    protected int LineOf(long offset) => _positions.At(offset).Line;

    /// <summary>Reads an object's keys, each once and each known, handing every value to <paramref name="read"/>.</summary>
    protected void ReadObject(ref Utf8JsonReader reader, string[] known, ValueReader read)
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

    protected List<T> ReadStrings<T>(ref Utf8JsonReader reader, string key, Func<string, long, (bool Ok, T Value)> parse)
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
}
