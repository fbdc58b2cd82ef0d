using Endpoints.Testing;

namespace Endpoints.Deploy.Tests.Packaging;

/// <summary>
/// One run of <c>deploy/package.sh</c> for both architectures, shared by the tests of the artifact; then the x64
/// artifact unpacked and installed with its own <c>install.sh --prefix</c> into a scratch root.
/// </summary>
public sealed class ReleaseFixture : IAsyncLifetime, IDisposable
{
    public const string Version = "1.2.3-test";

    private readonly TempDirectory _directory = new();

    public string Dist => Path.Combine(_directory.Path, "dist");

    /// <summary>The unpacked x64 release, <c>endpoints-VERSION/</c>.</summary>
    public string Unpacked => Path.Combine(_directory.Path, "unpacked", $"endpoints-{Version}");

    /// <summary>The scratch root install.sh installed into.</summary>
    public string Root => Path.Combine(_directory.Path, "root");

    public string PackageOutput { get; private set; } = "";

    public string InstallOutput { get; private set; } = "";

    public string Artifact(string arch) => Path.Combine(Dist, $"endpoints-{Version}-linux-{arch}.tar.xz");

    public async Task InitializeAsync()
    {
        var (packaged, packageOutput) = await Tools.RunInAsync(
            BuiltProgram.Repository, Path.Combine(BuiltProgram.Repository, "deploy/package.sh"), [Version, "x64", "arm64"],
            new Dictionary<string, string> { ["DIST"] = Dist }, TimeSpan.FromMinutes(10));
        PackageOutput = packageOutput;
        Assert.True(packaged == 0, packageOutput);

        Directory.CreateDirectory(Path.GetDirectoryName(Unpacked)!);
        var (unpacked, unpackOutput) = await Tools.RunAsync("tar", "-C", Path.GetDirectoryName(Unpacked)!, "-xJf", Artifact("x64"));
        Assert.True(unpacked == 0, unpackOutput);
        var (installed, installOutput) = await Tools.RunAsync(Path.Combine(Unpacked, "install.sh"), "--prefix", Root);
        InstallOutput = installOutput;
        Assert.True(installed == 0, installOutput);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _directory.Dispose();
}
