namespace Endpoints.Testing;

/// <summary>Finds a program of this repository as built in its own output folder, with its own dependencies.</summary>
public static class BuiltProgram
{
    /// <summary>The repository's root folder (the tests run from <c>tests/PROJECT/bin/CONFIGURATION/FRAMEWORK</c>).</summary>
    public static string Repository => System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    /// <summary>e.g. <c>Path("DnsOverride", "Endpoints.DnsOverride")</c>, same configuration and framework as the tests.</summary>
    public static string Path(string project, string assembly) => Find("src", project, assembly);

    /// <summary>A test tool of <c>tests/</c> (a client the tests drive), e.g. <c>TestTool("NegotiateClient")</c>.</summary>
    public static string TestTool(string project) => Find("tests", project, project);

    private static string Find(string folder, string project, string assembly)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var dll = System.IO.Path.Combine(Repository, folder, project, "bin", configuration, framework, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the solution first: {dll} is missing");
    }
}
