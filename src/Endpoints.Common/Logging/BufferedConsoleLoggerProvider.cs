using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Endpoints.Common.Logging;

/// <summary>
/// The console logger with its hand-off replaced: a line is formatted by the configured console formatter (simple,
/// systemd or json, so the text is what <c>AddConsole</c> writes) on the logging thread, appended to a shared buffer,
/// and written to stdout in batches by <see cref="BufferedStdout"/>. Microsoft's logger queues each line and wakes its
/// writer thread for it; on a proxy pinned to one core that wake-up per connection cost more than the line itself
/// (bench/README.md, issue 27 goals 3 and 4).
/// </summary>
[ProviderAlias("Console")]
public sealed class BufferedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentDictionary<string, BufferedConsoleLogger> _loggers = new(StringComparer.Ordinal);
    private readonly ConsoleFormatter _formatter;
    private readonly BufferedStdout _output;
    private IExternalScopeProvider? _scopes;

    public BufferedConsoleLoggerProvider(IOptions<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, BufferedStdout output)
    {
        var name = options.Value.FormatterName ?? ConsoleFormatterNames.Simple;
        _formatter = formatters.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"no console formatter named {name}");
        _output = output;
    }

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, name => new BufferedConsoleLogger(name, _formatter, _output, () => _scopes));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _output.Flush();
}
