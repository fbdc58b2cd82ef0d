using System.Globalization;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// Reads an RFC 1035 master file the way BIND does: $ORIGIN, $TTL, $INCLUDE, TTL units, TTL and class in
/// either order, blank owners, parentheses and comments. Errors carry file and line; parsing goes on after
/// an error so that one run reports all of them, but stops at a <see cref="ZoneLimits"/> limit.
/// </summary>
internal sealed class ZoneFileParser
{
    private const int MaxIncludeDepth = 8;
    private const uint MaxTtl = int.MaxValue;

    private readonly DnsName _zoneOrigin;
    private readonly ZoneLimits _limits;
    private readonly string _folder;
    private readonly ZoneRecords _records = new();
    private readonly List<ZoneError> _errors = [];
    private uint? _defaultTtl;
    private uint? _lastTtl;
    private long _bytesRead;
    private bool _stopped;

    private ZoneFileParser(DnsName zoneOrigin, ZoneLimits limits, string folder)
    {
        _zoneOrigin = zoneOrigin;
        _limits = limits;
        _folder = folder;
    }

    /// <summary>
    /// Parses the zone file at <paramref name="path"/>; its folder is the zones folder its includes must stay in.
    /// <c>Stopped</c>: the file could not be read whole or a limit was crossed, so the records are not the zone.
    /// </summary>
    public static (ZoneRecords Records, IReadOnlyList<ZoneError> Errors, bool Stopped) Parse(string path, DnsName origin, ZoneLimits limits)
    {
        var parser = new ZoneFileParser(origin, limits, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        parser.ParseFile(path, origin, depth: 0, includedFrom: null);
        return (parser._records.Complete(), parser._errors, parser._stopped);
    }

    public static (ZoneRecords Records, IReadOnlyList<ZoneError> Errors) ParseText(string text, string file, DnsName origin)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var parser = new ZoneFileParser(origin, ZoneLimits.Default, folder);
        parser.ParseEntries(text, file, folder, origin, 0);
        return (parser._records.Complete(), parser._errors);
    }

    private void ParseFile(string path, DnsName origin, int depth, ZoneError? includedFrom)
    {
        ZoneError At(string message)
        {
            _stopped |= includedFrom is null;
            return includedFrom is null ? new ZoneError(path, 0, message) : includedFrom with { Message = message };
        }

        string text;
        try
        {
            if (!_limits.AllowOutsideFolder && !RealPath.IsInside(path, _folder, out var real))
            {
                _errors.Add(At($"{(includedFrom is null ? "zone file" : $"included file '{path}'")} is '{real}', outside the zones folder " +
                    "(a link or path leading out; set AllowZoneFilesOutsideFolder to allow)"));
                return;
            }

            if (!ZoneFileText.TryRead(path, _limits.MaxFileBytes - _bytesRead, out text, out var length, out var overLine))
            {
                _errors.Add(new ZoneError(path, overLine, $"zone text exceeds MaxZoneFileBytes ({_limits.MaxFileBytes} bytes) here"));
                _stopped = true;
                return;
            }

            _bytesRead += length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _errors.Add(At(includedFrom is null ? $"cannot read file: {ex.Message}" : $"cannot read included file '{path}': {ex.Message}"));
            return;
        }

        ParseEntries(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", origin, depth);
    }

    private void ParseEntries(string text, string file, string directory, DnsName origin, int depth)
    {
        DnsName? owner = null;
        foreach (var entry in ZoneTokenizer.Read(text, file, _errors))
        {
            if (_stopped)
            {
                return;
            }

            var first = entry.Tokens[0];
            if (!entry.BlankOwner && !first.Quoted && first.Text.StartsWith('$'))
            {
                Directive(entry, file, directory, ref origin, depth);
                continue;
            }

            var next = 0;
            if (!entry.BlankOwner)
            {
                if (!DnsName.TryParse(first.Text, origin, out var parsedOwner, out var nameError))
                {
                    Error(file, entry.Line, nameError!);
                    continue;
                }

                owner = parsedOwner;
                next = 1;
            }
            else if (owner is null)
            {
                Error(file, entry.Line, "no current owner name");
                continue;
            }

            Record(entry, next, owner, origin, file);
        }
    }

    private void Directive(ZoneEntry entry, string file, string directory, ref DnsName origin, int depth)
    {
        var tokens = entry.Tokens;
        switch (tokens[0].Text.ToUpperInvariant())
        {
            case "$ORIGIN":
                if (tokens.Count != 2)
                {
                    Error(file, entry.Line, "$ORIGIN takes one name");
                }
                else if (!DnsName.TryParse(tokens[1].Text, origin, out var newOrigin, out var error))
                {
                    Error(file, entry.Line, error!);
                }
                else
                {
                    origin = newOrigin;
                }

                break;
            case "$TTL":
                if (tokens.Count != 2 || !TtlParser.TryParse(tokens[1].Text, out var ttl))
                {
                    Error(file, entry.Line, tokens.Count < 2 ? "$TTL needs a value" : $"bad TTL '{tokens[1].Text}'");
                }
                else
                {
                    _defaultTtl = ClampTtl(ttl, file, entry.Line);
                }

                break;
            case "$INCLUDE":
                Include(entry, file, directory, origin, depth);
                break;
            default:
                Error(file, entry.Line, $"unknown directive '{tokens[0].Text}'");
                break;
        }
    }

    private void Include(ZoneEntry entry, string file, string directory, DnsName origin, int depth)
    {
        var tokens = entry.Tokens;
        if (tokens.Count is < 2 or > 3)
        {
            Error(file, entry.Line, "$INCLUDE takes a file name and an optional origin");
            return;
        }

        if (depth >= MaxIncludeDepth)
        {
            Error(file, entry.Line, "$INCLUDE nested too deeply");
            return;
        }

        var includeOrigin = origin;
        if (tokens.Count == 3 && !DnsName.TryParse(tokens[2].Text, origin, out includeOrigin, out var error))
        {
            Error(file, entry.Line, error!);
            return;
        }

        // The included file keeps its own $ORIGIN changes to itself (RFC 1035 5.1), but $TTL carries on as in BIND.
        var path = Path.IsPathRooted(tokens[1].Text) ? tokens[1].Text : Path.Combine(directory, tokens[1].Text);
        ParseFile(path, includeOrigin, depth + 1, new ZoneError(file, entry.Line, string.Empty));
    }

    private void Record(ZoneEntry entry, int next, DnsName owner, DnsName origin, string file)
    {
        var tokens = entry.Tokens;
        uint? ttl = null;
        var sawClass = false;
        for (var k = 0; k < 2 && next < tokens.Count; k++)
        {
            var text = tokens[next].Text;
            if (ttl is null && TtlParser.LooksLikeTtl(text))
            {
                if (!TtlParser.TryParse(text, out var value))
                {
                    Error(file, tokens[next].Line, $"bad TTL '{text}'");
                    return;
                }

                ttl = ClampTtl(value, file, tokens[next].Line);
                next++;
            }
            else if (!sawClass && IsClass(text))
            {
                if (!text.Equals("IN", StringComparison.OrdinalIgnoreCase))
                {
                    Error(file, tokens[next].Line, $"class '{text}' != zone class 'IN'");
                    return;
                }

                sawClass = true;
                next++;
            }
        }

        if (next >= tokens.Count)
        {
            Error(file, entry.Line, "unexpected end of line: missing type");
            return;
        }

        var typeToken = tokens[next];
        if (!RecordType.TryParse(typeToken.Text, out var type) || type is RecordType.ANY or RecordType.OPT or RecordType.AXFR or RecordType.IXFR)
        {
            Error(file, typeToken.Line, $"unknown RR type '{typeToken.Text}'");
            return;
        }

        if (!RdataParser.TryParse(type, tokens, next + 1, origin, out var rdata, out var target, out var rdataError))
        {
            Error(file, typeToken.Line, $"{RecordType.ToName(type)}: {rdataError}");
            return;
        }

        if (ttl is null)
        {
            ttl = _defaultTtl ?? _lastTtl;
            if (ttl is null)
            {
                if (type != RecordType.SOA)
                {
                    Error(file, entry.Line, "no TTL specified and no $TTL before this record");
                    return;
                }

                ttl = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rdata[^4..]);
                Warning(file, entry.Line, "no TTL specified; using SOA MINTTL instead");
            }
        }
        else
        {
            _lastTtl = ttl;
        }

        if (!owner.IsAtOrBelow(_zoneOrigin))
        {
            Warning(file, entry.Line, $"ignoring out-of-zone data ({owner})");
            return;
        }

        if (_records.Count >= _limits.MaxRecords)
        {
            Error(file, entry.Line, $"zone has more than MaxRecordsPerZone ({_limits.MaxRecords}) records; stopped here");
            _stopped = true;
            return;
        }

        _records.Add(owner, type, ttl.Value, rdata, target, file, entry.Line);
    }

    private static bool IsClass(string text) =>
        text.ToUpperInvariant() is "IN" or "CH" or "CS" or "HS" or "NONE" or "ANY" ||
        (text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase) &&
         ushort.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    private uint ClampTtl(ulong ttl, string file, int line)
    {
        if (ttl <= MaxTtl)
        {
            return (uint)ttl;
        }

        Warning(file, line, $"TTL {ttl} > MAXTTL, setting TTL to 0");
        return 0;
    }

    private void Error(string file, int line, string message) => _errors.Add(new ZoneError(file, line, message));

    private void Warning(string file, int line, string message) => _errors.Add(new ZoneError(file, line, message, IsWarning: true));
}
