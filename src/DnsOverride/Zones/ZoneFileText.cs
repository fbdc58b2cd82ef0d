namespace Endpoints.DnsOverride.Zones;

/// <summary>A zone file's text, read within the zone's byte budget (<see cref="ZoneLimits.MaxFileBytes"/>).</summary>
internal static class ZoneFileText
{
    /// <summary>
    /// Reads at most <paramref name="budget"/> bytes, so neither a huge file nor a device is read whole; past the
    /// budget, <paramref name="overLine"/> is the line where it ran out. A UTF-8 byte order mark is dropped.
    /// </summary>
    public static bool TryRead(string path, long budget, out string text, out int length, out int overLine)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var buffer = new byte[(int)Math.Min(stream.CanSeek ? stream.Length + 1 : 64 * 1024, budget + 1)];
        length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > budget)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, budget + 1));
            }

            var n = stream.Read(buffer, length, buffer.Length - length);
            if (n == 0)
            {
                break;
            }

            length += n;
        }

        if (length > budget)
        {
            overLine = buffer.AsSpan(0, (int)budget).Count((byte)'\n') + 1;
            text = string.Empty;
            return false;
        }

        overLine = 0;
        var bytes = buffer.AsSpan(0, length);
        text = System.Text.Encoding.UTF8.GetString(bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes);
        return true;
    }
}
