using System.Text;

namespace Endpoints.DnsOverride.Zones;

/// <summary>Splits master-file text (RFC 1035 5.1) into logical entries.</summary>
internal static class ZoneTokenizer
{
    public static IEnumerable<ZoneEntry> Read(string text, string file, List<ZoneError> errors)
    {
        var tokens = new List<ZoneToken>();
        var current = new StringBuilder();
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
                var value = new StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var q = text[i];
                    if (q == '\\' && i + 1 < text.Length)
                    {
                        value.Append(q).Append(text[i + 1]);
                        if (text[i + 1] == '\n')
                        {
                            line++;
                        }

                        i += 2;
                        continue;
                    }

                    if (q == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    if (q == '\n')
                    {
                        break;
                    }

                    value.Append(q);
                    i++;
                }

                if (!closed)
                {
                    errors.Add(new ZoneError(file, start, "unbalanced quotes"));
                }

                Flush(tokens, current, line);
                tokens.Add(new ZoneToken(value.ToString(), true, start));
                continue;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(c).Append(text[i + 1]);
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
                Flush(tokens, current, line);
                if (depth++ == 0)
                {
                    parenLine = line;
                }

                i++;
                continue;
            }

            if (c == ')')
            {
                Flush(tokens, current, line);
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
                Flush(tokens, current, line);
                i++;
                continue;
            }

            if (c == '\n')
            {
                Flush(tokens, current, line);
                if (eof && depth > 0)
                {
                    errors.Add(new ZoneError(file, parenLine, "unbalanced parentheses"));
                    depth = 0;
                }

                if (depth == 0)
                {
                    if (tokens.Count > 0)
                    {
                        yield return new ZoneEntry(tokens.ToArray(), blankOwner, entryLine);
                        tokens.Clear();
                    }

                    atLineStart = true;
                }

                line++;
                i++;
                continue;
            }

            current.Append(c);
            i++;
        }
    }

    private static void Flush(List<ZoneToken> tokens, StringBuilder current, int line)
    {
        if (current.Length > 0)
        {
            tokens.Add(new ZoneToken(current.ToString(), false, line));
            current.Clear();
        }
    }
}
