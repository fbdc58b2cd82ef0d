namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// realpath(3) in managed code: every symbolic link along a path resolved, and <c>..</c> taken after the link
/// before it, as the kernel does; so <c>zones/sub/../x</c> with <c>sub</c> a link lands where the file is really read.
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Join(Environment.CurrentDirectory, path);
        var pending = new Stack<string>(absolute.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = "/";
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var candidate = Path.Join(resolved, part);
            if (new FileInfo(candidate).LinkTarget is not { } target)
            {
                resolved = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"too many levels of symbolic links in '{path}'");
            }

            resolved = Path.IsPathRooted(target) ? "/" : resolved;
            foreach (var next in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(next);
            }
        }

        return resolved;
    }

    /// <summary>Whether <paramref name="path"/>, links resolved, lies inside <paramref name="folder"/>, links resolved.</summary>
    public static bool IsInside(string path, string folder, out string real)
    {
        real = Resolve(path);
        var root = Resolve(folder);
        return real.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);
    }
}
