namespace Endpoints.Common.Configuration;

/// <summary>Reads the <c>nameserver</c> lines of a resolv.conf.</summary>
public static class ResolvConf
{
    public const string DefaultPath = "/etc/resolv.conf";

    public static IReadOnlyList<string> ReadNameServers(string path = DefaultPath)
    {
        try
        {
            return File.ReadLines(path)
                .Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length >= 2 && parts[0] == "nameserver")
                .Select(parts => parts[1].Split('%')[0])
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
