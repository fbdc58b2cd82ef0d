namespace Endpoints.Testing;

/// <summary>A scratch git repository with the real git command line: commits, branches, and the path of its work tree.</summary>
public sealed class GitRepository : IDisposable
{
    private readonly TempDirectory? _directory;

    private GitRepository(TempDirectory? directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    public static async Task<GitRepository> CreateAsync(string branch = "main")
    {
        var directory = new TempDirectory();
        var repository = new GitRepository(directory, directory.Path);
        await repository.RunAsync("init", "-q", "-b", branch);
        await repository.SetAuthorAsync();
        return repository;
    }

    /// <summary>A work tree that exists already (a clone); not deleted on dispose.</summary>
    public static async Task<GitRepository> OpenAsync(string path)
    {
        var repository = new GitRepository(null, path);
        await repository.SetAuthorAsync();
        return repository;
    }

    public string Write(string relative, string text)
    {
        var path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public async Task CommitAsync(string message)
    {
        await RunAsync("add", "-A");
        await RunAsync("commit", "-q", "-m", message);
    }

    /// <summary>Runs git in the work tree; a failure fails the test with git's output.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var (exit, output) = await Tools.RunAsync("git", ["-C", Path, .. arguments]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({exit}): {output}");
        }

        return output;
    }

    public void Dispose() => _directory?.Dispose();

    /// <summary>Commits need an author; the machine may have none configured.</summary>
    private async Task SetAuthorAsync()
    {
        await RunAsync("config", "user.email", "test@example.test");
        await RunAsync("config", "user.name", "test");
    }
}
