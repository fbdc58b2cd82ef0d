using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Endpoints.Common.Logging;

/// <summary>One category's logger of <see cref="BufferedConsoleLoggerProvider"/>.</summary>
internal sealed class BufferedConsoleLogger(string category, ConsoleFormatter lineFormatter, BufferedStdout output, Func<IExternalScopeProvider?> scopes) : ILogger
{
    [ThreadStatic]
    private static StringWriter? t_line;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => scopes()?.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = t_line ??= new StringWriter();
        lineFormatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), scopes(), line);
        var text = line.GetStringBuilder();
        if (text.Length == 0)
        {
            return;
        }

        // A warning or worse is written at once: it may be the last thing a failing process says.
        output.Append(text, flushNow: logLevel >= LogLevel.Warning);
        text.Clear();
        if (text.Capacity > 4096)
        {
            text.Capacity = 1024;
        }
    }
}
