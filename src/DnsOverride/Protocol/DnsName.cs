using System.Text;

namespace Endpoints.DnsOverride.Protocol;

/// <summary>
/// A domain name held as its lowercased wire labels without the root byte, one char per byte.
/// The key form makes parent lookups a slice and dictionary lookups allocation-free.
/// </summary>
internal sealed class DnsName : IEquatable<DnsName>
{
    public const int MaxWireLength = 255;

    public static readonly DnsName Root = new(string.Empty);

    private DnsName(string key) => Key = key;

    /// <summary>Lowercased wire labels, each prefixed by its length, without the terminating zero.</summary>
    public string Key { get; }

    /// <summary>Length on the wire including the terminating zero byte.</summary>
    public int WireLength => Key.Length + 1;

    public bool IsRoot => Key.Length == 0;

    public DnsName Parent => IsRoot ? this : new DnsName(Key[(Key[0] + 1)..]);

    public static DnsName FromKey(ReadOnlySpan<char> key) => key.IsEmpty ? Root : new DnsName(key.ToString());

    /// <summary>The name whose key is <paramref name="key"/>, sharing that string (a zone keeps one per owner).</summary>
    public static DnsName FromKey(string key) => key.Length == 0 ? Root : new DnsName(key);

    /// <summary>True when <paramref name="name"/> equals <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsAtOrBelow(ReadOnlySpan<char> name, ReadOnlySpan<char> ancestor)
    {
        while (name.Length > ancestor.Length)
        {
            name = name[(name[0] + 1)..];
        }

        return name.SequenceEqual(ancestor);
    }

    public bool IsAtOrBelow(DnsName ancestor) => IsAtOrBelow(Key, ancestor.Key);

    public static int CountLabels(ReadOnlySpan<char> key)
    {
        var count = 0;
        while (!key.IsEmpty)
        {
            key = key[(key[0] + 1)..];
            count++;
        }

        return count;
    }

    /// <summary>
    /// Parses a master-file name. Relative names are completed with <paramref name="origin"/>.
    /// Returns an error message instead of throwing: zone files are user input.
    /// </summary>
    public static bool TryParse(string text, DnsName? origin, out DnsName name, out string? error)
    {
        name = Root;
        error = null;
        if (text == "@")
        {
            if (origin is null)
            {
                error = "'@' used without an origin";
                return false;
            }

            name = origin;
            return true;
        }

        if (text == ".")
        {
            return true;
        }

        if (text.Length == 0)
        {
            error = "empty name";
            return false;
        }

        Span<char> key = stackalloc char[MaxWireLength + 64];
        key[0] = '\0';
        var length = 1;
        var labelStart = 0;
        var labelLength = 0;
        var absolute = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            int b;
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    error = $"empty label in name '{text}'";
                    return false;
                }

                key[labelStart] = (char)labelLength;
                if (i == text.Length - 1)
                {
                    absolute = true;
                    labelStart = -1;
                    break;
                }

                labelStart = length;
                key[length++] = '\0';
                labelLength = 0;
                continue;
            }

            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    error = $"dangling escape in name '{text}'";
                    return false;
                }

                if (char.IsAsciiDigit(text[i + 1]))
                {
                    if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                    {
                        error = $"bad \\DDD escape in name '{text}'";
                        return false;
                    }

                    b = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                    if (b > 255)
                    {
                        error = $"bad \\DDD escape in name '{text}'";
                        return false;
                    }

                    i += 3;
                }
                else
                {
                    b = text[++i];
                }
            }
            else
            {
                b = c;
            }

            if (b > 255)
            {
                error = $"non-ASCII character in name '{text}' (use its IDNA form)";
                return false;
            }

            if (++labelLength > 63)
            {
                error = $"label longer than 63 bytes in name '{text}'";
                return false;
            }

            if (length >= MaxWireLength + 1)
            {
                error = $"name longer than 255 bytes: '{text}'";
                return false;
            }

            key[length++] = (char)(b is >= 'A' and <= 'Z' ? b + 32 : b);
        }

        if (labelStart >= 0)
        {
            key[labelStart] = (char)labelLength;
        }

        var own = key[..length];
        if (!absolute)
        {
            if (origin is null)
            {
                error = $"relative name '{text}' used without an origin";
                return false;
            }

            if (length + origin.Key.Length > MaxWireLength - 1)
            {
                error = $"name longer than 255 bytes: '{text}.{origin}'";
                return false;
            }

            origin.Key.AsSpan().CopyTo(key[length..]);
            own = key[..(length + origin.Key.Length)];
        }
        else if (length > MaxWireLength - 1)
        {
            error = $"name longer than 255 bytes: '{text}'";
            return false;
        }

        name = FromKey(own);
        return true;
    }

    public static DnsName Parse(string text, DnsName? origin = null) =>
        TryParse(text, origin, out var name, out var error) ? name : throw new FormatException(error);

    /// <summary>Writes the wire form (length-prefixed labels and the root byte).</summary>
    public int WriteTo(Span<byte> destination)
    {
        for (var i = 0; i < Key.Length; i++)
        {
            destination[i] = (byte)Key[i];
        }

        destination[Key.Length] = 0;
        return Key.Length + 1;
    }

    public static string ToPresentation(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty)
        {
            return ".";
        }

        var sb = new StringBuilder(key.Length + 1);
        while (!key.IsEmpty)
        {
            int len = key[0];
            foreach (var c in key.Slice(1, len))
            {
                if (c is '.' or '\\' or '"' or ';' or '(' or ')' or '@' or '$')
                {
                    sb.Append('\\').Append(c);
                }
                else if (c is <= ' ' or >= (char)127)
                {
                    sb.Append('\\').Append(((int)c).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                }
            }

            sb.Append('.');
            key = key[(len + 1)..];
        }

        return sb.ToString();
    }

    public override string ToString() => ToPresentation(Key);

    public bool Equals(DnsName? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as DnsName);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(DnsName? left, DnsName? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(DnsName? left, DnsName? right) => !(left == right);
}
