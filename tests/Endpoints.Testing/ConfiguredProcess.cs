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

    public Task<bool> WaitForOutputAsync(string text, TimeSpan timeout) => _process.WaitForOutputAsync(text, timeout);

    /// <summary>Sends a signal to the program (SIGCONT brings back one that <see cref="PauseAsync"/> stopped).</summary>
    public void Signal(int signal) => _process.Signal(signal);

    /// <summary>Stops the program (an upstream gone silent), and returns once it has stopped.</summary>
    public Task PauseAsync() => _process.PauseAsync();

    /// <summary>
    /// Starts <paramref name="program"/> with a config file written for a free port. Another process can take that
    /// port between our check and the program's bind, so a start that fails on a taken port tries another.
    /// </summary>
    /// <param name="program">The program, found by <see cref="Tools.Require"/>.</param>
    /// <param name="configName">The config file's name in the temporary directory.</param>
    /// <param name="config">Config file text, given the directory and the port.</param>
    /// <param name="arguments">Command line, given the config file's path.</param>
    /// <param name="readyText">What the program prints once it serves.</param>
    public static async Task<ConfiguredProcess> StartAsync(
        string program, string configName, Func<TempDirectory, int, string> config, Func<string, string[]> arguments, string readyText)
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TempDirectory();
            var port = FreePort.Get();
            try
            {
                var file = directory.Write(configName, config(directory, port));
                var process = await ExternalProcess.StartAsync(program, arguments(file), readyText);

                // named says "running" even when one of its sockets could not be bound: the port was taken meanwhile.
                if (attempt < 5 && FreePort.IsAddressInUse(process.Output))
                {
                    process.Dispose();
                    directory.Dispose();
                    continue;
                }

                return new ConfiguredProcess(process, directory, port);
            }
            catch (InvalidOperationException ex) when (attempt < 5 && FreePort.IsAddressInUse(ex.Message))
            {
                directory.Dispose();
            }
            catch (InvalidOperationException)
            {
                directory.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _directory.Dispose();
    }
}
