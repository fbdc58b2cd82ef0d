using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>
/// Reads TSIG keys in BIND's syntax, the file <c>tsig-keygen</c> writes:
/// <code>key "transfer" { algorithm hmac-sha256; secret "base64"; };</code>
/// Comments as BIND takes them (<c>//</c>, <c>#</c>, <c>/* */</c>). Strict: anything else is an error with FILE:LINE.
/// </summary>
internal static class TsigKeyFile
{
    public static IReadOnlyList<TsigKey> Read(string path, List<string> errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"--tsig-keys '{path}': {ex.Message}");
            return [];
        }

        return Parse(text, path, errors);
    }

    public static IReadOnlyList<TsigKey> Parse(string text, string path, List<string> errors)
    {
        var keys = new List<TsigKey>();
        var tokens = Tokenize(text);
        var i = 0;
        string Where(int at) => $"{path}:{(at < tokens.Count ? tokens[at].Line : tokens.Count > 0 ? tokens[^1].Line : 1)}";
        bool Expect(string value)
        {
            if (i < tokens.Count && tokens[i].Text == value)
            {
                i++;
                return true;
            }

            errors.Add($"{Where(i)}: expected '{value}', found {(i < tokens.Count ? $"'{tokens[i].Text}'" : "the end of the file")}");
            return false;
        }

        while (i < tokens.Count)
        {
            var start = i;
            if (!Expect("key") || i >= tokens.Count)
            {
                return keys;
            }

            var nameText = tokens[i++].Text.Trim('"');
            if (!DnsName.TryParse(nameText.EndsWith('.') ? nameText : nameText + ".", null, out var name, out var nameError))
            {
                errors.Add($"{Where(i - 1)}: key name '{nameText}': {nameError}");
                return keys;
            }

            if (!Expect("{"))
            {
                return keys;
            }

            TsigAlgorithm? algorithm = null;
            byte[]? secret = null;
            while (i < tokens.Count && tokens[i].Text != "}")
            {
                var clause = tokens[i++].Text;
                var line = i - 1;
                if (i >= tokens.Count)
                {
                    break;
                }

                var value = tokens[i++].Text.Trim('"');
                switch (clause)
                {
                    case "algorithm":
                        algorithm = TsigAlgorithm.Find(value);
                        if (algorithm is null)
                        {
                            errors.Add($"{Where(line)}: key '{nameText}': algorithm '{value}' is not hmac-sha256 or hmac-sha512");
                        }

                        break;
                    case "secret":
                        try
                        {
                            secret = Convert.FromBase64String(value);
                            if (secret.Length == 0)
                            {
                                errors.Add($"{Where(line)}: key '{nameText}': secret is empty, so anyone could sign with it");
                            }
                        }
                        catch (FormatException)
                        {
                            errors.Add($"{Where(line)}: key '{nameText}': secret is not base64");
                        }

                        break;
                    default:
                        errors.Add($"{Where(line)}: key '{nameText}': unknown clause '{clause}' (algorithm and secret are known)");
                        break;
                }

                if (!Expect(";"))
                {
                    return keys;
                }
            }

            if (!Expect("}") || !Expect(";"))
            {
                return keys;
            }

            if (algorithm is null || secret is null)
            {
                errors.Add($"{Where(start)}: key '{nameText}' needs both an algorithm and a secret");
            }
            else if (keys.Any(k => k.Name == name))
            {
                errors.Add($"{Where(start)}: key '{nameText}' is defined twice");
            }
            else if (secret.Length > 0)
            {
                // An empty secret was reported at its line and the key is left out.
                keys.Add(new TsigKey(name, algorithm, secret));
            }
        }

        return keys;
    }

    /// <summary>Words, quoted strings and punctuation with their line numbers; comments outside quotes dropped.</summary>
    private static List<(string Text, int Line)> Tokenize(string text)
    {
        var tokens = new List<(string, int)>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || (c == '/' && next == '/'))
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && next == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                line += text.AsSpan(i, end - i).Count('\n');
                i = end;
            }
            else if (c is '{' or '}' or ';')
            {
                tokens.Add((c.ToString(), line));
                i++;
            }
            else if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end + 1;
                tokens.Add((text[i..end], line));
                line += text.AsSpan(i, end - i).Count('\n');
                i = end;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('{' or '}' or ';' or '"'))
                {
                    i++;
                }

                tokens.Add((text[start..i], line));
            }
        }

        return tokens;
    }
}
