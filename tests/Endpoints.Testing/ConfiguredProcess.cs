namespace Endpoints.Testing;

/// <summary>
/// A server program run from a config file that a test writes: its own temporary directory, a free loopback
/// port, started and waited for; both removed on dispose.
/// </summary>
public sealed class ConfiguredProcess : IDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private ConfiguredProcess(ExternalProcess process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Output;

    /// <param name="program"></param>

    /// <param name="configName"></param>    /// <param name="config">Config file text, given the directory and the port.</param>
    /// <param name="arguments">Command line, given the config file's path.</param>
    /// <param name="readyText"></param>
    public static async Task<ConfiguredProcess> StartAsync(
        string program, string configName, Func<TempDirectory, int, string> config, Func<string, string[]> arguments, string readyText)
    {
        var directory = new TempDirectory();
        var port = FreePort.Get();
        try
        {
            var file = directory.Write(configName, config(directory, port));
            return new ConfiguredProcess(await ExternalProcess.StartAsync(program, arguments(file), readyText), directory, port);
        }
        catch (InvalidOperationException)
        {
            directory.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _directory.Dispose();
    }
}
