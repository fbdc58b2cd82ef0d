using System.Globalization;

namespace Endpoints.Testing;

/// <summary>The ports a process has bound right now, read from /proc (its open socket inodes against the kernel's tables).</summary>
public static class ProcessSockets
{
    /// <summary>Bound UDP ports and listening TCP ports, as <c>udp:PORT</c> and <c>tcp:PORT</c>.</summary>
    public static HashSet<string> Bound(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target[8..^1]);
            }
        }

        var bound = new HashSet<string>();
        foreach (var (table, protocol, state) in new[] { ("tcp", "tcp", "0A"), ("tcp6", "tcp", "0A"), ("udp", "udp", "07"), ("udp6", "udp", "07") })
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == state && inodes.Contains(fields[9]))
                {
                    var port = int.Parse(fields[1][(fields[1].IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    bound.Add($"{protocol}:{port}");
                }
            }
        }

        return bound;
    }
}
