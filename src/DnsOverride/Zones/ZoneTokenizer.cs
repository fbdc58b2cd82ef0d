namespace Endpoints.DnsOverride.Zones;

/// <summary>Splits master-file text (RFC 1035 5.1) into logical entries.</summary>
internal static class ZoneTokenizer
{
    /// <summary>Distinct token texts kept for reuse ("IN", "A", a TTL): the first ones seen, as a big zone repeats them.</summary>
    private const int ReusedTexts = 256;

    /// <summary>
    /// The entries of <paramref name="text"/>. Each entry's token list is reused for the next one, so a caller reads
    /// an entry before it asks for the next (a zone of a million lines then makes no million lists).
    /// </summary>
    public static IEnumerable<ZoneEntry> Read(string text, string file, List<ZoneError> errors)
    {
        var tokens = new List<ZoneToken>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var current = -1;
        var line = 1;
        var entryLine = 1;
        var depth = 0;
        var parenLine = 0;
        var blankOwner = false;
        var atLineStart = true;
        var i = 0;

        while (i <= text.Length)
        {
            var c = i < text.Length ? text[i] : '\n';
            var eof = i == text.Length;

            if (atLineStart && depth == 0)
            {
                blankOwner = c is ' ' or '\t';
                entryLine = line;
                atLineStart = false;
            }

            if (c == '"')
            {
                var start = line;
                Flush(tokens, texts, text, ref current, i, line);
                var valueStart = ++i;
                var closed = false;
                while (i < text.Length)
                {
                    var q = text[i];
                    if (q == '\\' && i + 1 < text.Length)
                    {
                        if (text[i + 1] == '\n')
                        {
                            line++;
                        }

                        i += 2;
                        continue;
                    }

                    if (q is '"' or '\n')
                    {
                        break;
                    }

                    i++;
                }

                // Escapes stay in the token as written (the RDATA parser resolves them), so it is a slice of the text.
                var value = text[valueStart..i];
                if (i < text.Length && text[i] == '"')
                {
                    closed = true;
                    i++;
                }

                if (!closed)
                {
                    errors.Add(new ZoneError(file, start, "unbalanced quotes"));
                }

                tokens.Add(new ZoneToken(value, true, start));
                continue;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                current = current < 0 ? i : current;
                i += 2;
                continue;
            }

            if (c == ';')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '(')
            {
                Flush(tokens, texts, text, ref current, i, line);
                if (depth++ == 0)
                {
                    parenLine = line;
                }

                i++;
                continue;
            }

            if (c == ')')
            {
                Flush(tokens, texts, text, ref current, i, line);
                if (depth == 0)
                {
                    errors.Add(new ZoneError(file, line, "unbalanced parentheses"));
                }
                else
                {
                    depth--;
                }

                i++;
                continue;
            }

            if (c is ' ' or '\t' or '\r')
            {
                Flush(tokens, texts, text, ref current, i, line);
                i++;
                continue;
            }

            if (c == '\n')
            {
                Flush(tokens, texts, text, ref current, i, line);
                if (eof && depth > 0)
                {
                    errors.Add(new ZoneError(file, parenLine, "unbalanced parentheses"));
                    depth = 0;
                }

                if (depth == 0)
                {
                    if (tokens.Count > 0)
                    {
                        yield return new ZoneEntry(tokens, blankOwner, entryLine);
                        tokens.Clear();
                    }

                    atLineStart = true;
                }

                line++;
                i++;
                continue;
            }

            current = current < 0 ? i : current;
            i++;
        }
    }

    /// <summary>Ends the unquoted token that began at <paramref name="start"/> (if one did) just before <paramref name="end"/>.</summary>
    private static void Flush(List<ZoneToken> tokens, Dictionary<string, string> texts, string text, ref int start, int end, int line)
    {
        if (start < 0)
        {
            return;
        }

        var span = text.AsSpan(start, end - start);
        var reuse = texts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!reuse.TryGetValue(span, out var value))
        {
            value = span.ToString();
            if (texts.Count < ReusedTexts)
            {
                texts.Add(value, value);
            }
        }

        tokens.Add(new ZoneToken(value, false, line));
        start = -1;
    }
}
