using System.Text.Json;
using Endpoints.Common.Configuration;
using Endpoints.Common.Logging;
using Endpoints.Common.Networking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.Common.Hosting;

/// <summary>The hosting both services share: configuration from appsettings.json, environment and flags, one-line logs, exit codes.</summary>
public static class ServiceHost
{
    /// <summary><c>simple</c> (one line per event, the default) or <c>json</c>; the flag is <c>--log-format</c>.</summary>
    public const string LogFormatKey = "Logging:Format";

    /// <summary>A JSON settings file (<c>--config /etc/endpoints/dns.json</c>), read after appsettings.json and before the environment.</summary>
    public const string ConfigKey = "Config";

    private const string ConfigErrorProperty = "Endpoints.ConfigError";

    public static HostApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?> settings)
    {
        // Flags are mapped by our CommandLine, so the host's own command-line provider gets none.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (settings.GetValueOrDefault(ConfigKey) is { } file)
        {
            AddConfigFile(builder, file);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();

        // Under systemd (Type=notify): READY=1 once every hosted service has started, so after the listeners are
        // bound; STOPPING=1 on SIGTERM.
        if (SystemdEnvironment.ExpectsNotifications)
        {
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        if (string.Equals(builder.Configuration[LogFormatKey], "json", StringComparison.OrdinalIgnoreCase))
        {
            // One JSON object per line, the [LoggerMessage] fields as properties: for CloudWatch Logs or an ELK stack.
            builder.Logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else if (SystemdEnvironment.LogsToJournal)
        {
            // journald stamps each line itself and reads the level from the <N> prefix (journalctl -p warning).
            builder.Logging.AddSystemdConsole(o => o.UseUtcTimestamp = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }

        // The formatter chosen above writes each line; BufferedConsoleLoggerProvider, in place of the console logger
        // (the only provider after ClearProviders), hands the lines to stdout in batches.
        builder.Services.RemoveAll<ILoggerProvider>();
        builder.Services.AddSingleton<BufferedStdout>();
        builder.Services.AddSingleton<ILoggerProvider, BufferedConsoleLoggerProvider>();

        // RunAsync reports start-up failures in one line each; the host would log them again with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    private static void AddConfigFile(HostApplicationBuilder builder, string file)
    {
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            ((IHostApplicationBuilder)builder).Properties[ConfigErrorProperty] = $"--config {file}: no such file";
            return;
        }

        var source = new JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        var sources = builder.Configuration.Sources;
        var environment = sources.Select((s, i) => (s, i)).FirstOrDefault(p => p.s is EnvironmentVariablesConfigurationSource, (null!, sources.Count)).Item2;
        try
        {
            sources.Insert(environment, source);
        }
        catch (InvalidDataException ex)
        {
            // FILE:LINE as the zone and policy files report; the JSON reader counts lines from 0.
            var json = ex.GetBaseException() as JsonException;
            var reason = StrictJsonFile.Reason(ex.GetBaseException());
            ((IHostApplicationBuilder)builder).Properties[ConfigErrorProperty] = json?.LineNumber is { } line
                ? $"{path}:{line + 1}: {reason}"
                : $"{path}: {reason}";
            sources.Remove(source);
        }
    }

    /// <summary>
    /// Runs socket continuations on the socket engine's thread instead of hopping to the thread pool (one context
    /// switch less per I/O; bench/README.md). The engine reads the switch when the first socket is created, so this
    /// must run before the host starts. Only for code whose continuations never block.
    /// </summary>
    public static void UseInlineSocketCompletions(HostApplicationBuilder builder, string settingKey, bool defaultValue)
    {
        if (builder.Configuration.GetValue(settingKey, defaultValue))
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }
    }

    /// <summary>Runs until SIGTERM or SIGINT. Exit 2 for invalid settings (all reported), 1 when a port cannot be bound, 3 when a background service failed.</summary>
    public static async Task<int> RunAsync(HostApplicationBuilder builder)
    {
        if (((IHostApplicationBuilder)builder).Properties.TryGetValue(ConfigErrorProperty, out var configError))
        {
            Console.Error.WriteLine($"error: {configError}");
            return 2;
        }

        if (builder.Configuration[LogFormatKey] is { } format && format.ToLowerInvariant() is not ("simple" or "json"))
        {
            Console.Error.WriteLine($"error: --log-format '{format}' must be simple or json");
            return 2;
        }

        try
        {
            using var host = builder.Build();
            var background = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            await host.RunAsync().ConfigureAwait(false);

            // A background service that failed stops the host (StopHost), and RunAsync returns as after SIGTERM: the
            // exit status is what tells systemd and a supervisor that the service did not stop of its own will.
            if (background.Find(service => service.ExecuteTask?.IsFaulted == true) is { } failed)
            {
                Console.Error.WriteLine($"error: {failed.GetType().Name} failed: {failed.ExecuteTask!.Exception!.GetBaseException().Message}");
                return 3;
            }

            return 0;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                Console.Error.WriteLine($"error: {failure}");
            }

            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key and the type it wanted.
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        catch (ListenException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
