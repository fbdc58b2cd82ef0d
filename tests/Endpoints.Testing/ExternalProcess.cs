using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Endpoints.Testing;

/// <summary>A real program started by a test; killed by its PID (and only it) on dispose.</summary>
public sealed partial class ExternalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public ExternalProcess(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Tools.Require(fileName))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts a program and waits until it prints <paramref name="readyText"/>; fails with its output otherwise.</summary>
    public static async Task<ExternalProcess> StartAsync(
        string fileName, IEnumerable<string> arguments, string readyText, IDictionary<string, string>? environment = null)
    {
        var process = new ExternalProcess(fileName, arguments, environment: environment);
        if (await process.WaitForOutputAsync(readyText, TimeSpan.FromSeconds(30)))
        {
            return process;
        }

        var output = process.Output;
        process.Dispose();
        throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not start:\n{output}");
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The port in the first output line that reads "<paramref name="prefix"/> ADDR:PORT" (a server that bound port 0).</summary>
    public int BoundPort(string prefix)
    {
        var match = Regex.Match(Output, Regex.Escape(prefix) + @" \[?[0-9a-fA-F.:]+\]?:(\d+)");
        return match.Success
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"no '{prefix} ADDR:PORT' line in the output:\n{Output}");
    }

    public Task<bool> WaitForOutputAsync(string text, TimeSpan timeout) =>
        WaitUntilAsync(output => output.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Waits for a line matching a regular expression (a log line only this test can cause).</summary>
    public Task<bool> WaitForMatchAsync(string pattern, TimeSpan timeout) =>
        WaitUntilAsync(output => Regex.IsMatch(output, pattern, RegexOptions.Multiline), timeout);

    private async Task<bool> WaitUntilAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Output))
            {
                return true;
            }

            if (_process.HasExited)
            {
                // Output read after the exit is complete: one last look.
                _process.WaitForExit();
                return condition(Output);
            }

            await Task.Delay(50);
        }

        return condition(Output);
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        // The overload without a timeout also waits for the redirected output to be read to its end.
        _process.WaitForExit();
        return true;
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// SIGSTOP, and back once every thread of the program has stopped: kill() only queues the signal, and a thread
    /// still running could otherwise answer one more query.
    /// </summary>
    public async Task PauseAsync()
    {
        Signal(Signals.SIGSTOP);
        var tasks = $"/proc/{_process.Id}/task";
        if (!await Eventually.TrueAsync(() => Directory.EnumerateDirectories(tasks).All(task => ThreadState(task) == 'T'), TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException($"{_process.Id} did not stop");
        }

        // The state is the first field after the command, which is in parentheses and may hold anything.
        static char ThreadState(string task)
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            return stat[stat.LastIndexOf(')') + 2];
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
