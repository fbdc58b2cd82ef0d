using System.Net.Sockets;
using Endpoints.DnsOverride.Cli;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Server;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

var commandLine = CommandLine.Parse(args);
if (commandLine.Errors.Count > 0 || commandLine.Command == "help")
{
    foreach (var error in commandLine.Errors)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    Console.Error.WriteLine(CommandLine.Usage);
    return commandLine.Errors.Count > 0 ? 2 : 0;
}

if (commandLine.Command == "check")
{
    var directory = commandLine.CheckDirectory ?? commandLine.Settings.GetValueOrDefault("DnsOverride:Zones") ?? "zones";
    return CheckCommand.Run(directory, Console.Out, Console.Error);
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddInMemoryCollection(commandLine.Settings);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
    o.UseUtcTimestamp = true;
});

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<DnsOverrideOptions>().Bind(builder.Configuration.GetSection(DnsOverrideOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<IPostConfigureOptions<DnsOverrideOptions>, DnsOverrideOptionsSetup>();
builder.Services.AddSingleton<IValidateOptions<DnsOverrideOptions>, DnsOverrideOptionsValidator>();
builder.Services.AddSingleton<DnsMetrics>();
builder.Services.AddSingleton<ZoneStore>();
builder.Services.AddSingleton<Forwarder>();
builder.Services.AddSingleton<RequestValidationHandler>();
builder.Services.AddSingleton<AuthoritativeHandler>();
builder.Services.AddSingleton<ForwardingHandler>();
builder.Services.AddSingleton<QueryPipeline>();
builder.Services.AddHostedService<ZoneWatcher>();
builder.Services.AddHostedService<DnsServerService>();
builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
{
    metrics.AddMeter(DnsMetrics.MeterName);
    if (string.Equals(builder.Configuration["DnsOverride:Metrics"], "console", StringComparison.OrdinalIgnoreCase))
    {
        metrics.AddConsoleExporter();
    }
});

try
{
    await builder.Build().RunAsync().ConfigureAwait(false);
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
catch (SocketException ex)
{
    Console.Error.WriteLine($"error: cannot listen: {ex.Message}");
    return 1;
}
