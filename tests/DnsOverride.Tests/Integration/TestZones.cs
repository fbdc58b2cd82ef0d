using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>The test zones plus the shipped ones, copied into one directory per test.</summary>
public static class TestZones
{
    public static string TestZoneDirectory => Path.Combine(AppContext.BaseDirectory, "Integration", "zones");

    public static string ShippedZoneDirectory => Path.Combine(AppContext.BaseDirectory, "shipped-zones");

    public static IReadOnlyList<(string Origin, string File)> CopyAll(TempDirectory target)
    {
        var copied = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(TestZoneDirectory, "*.zone").Concat(Directory.GetFiles(ShippedZoneDirectory, "*.zone")))
        {
            var destination = target.File(Path.GetFileName(file));
            File.Copy(file, destination, overwrite: true);
            copied.Add((Path.GetFileNameWithoutExtension(file), destination));
        }

        return copied;
    }
}
