using Endpoints.Common.Cli;
using Endpoints.Common.Hosting;
using Endpoints.Common.Telemetry;
using Endpoints.DnsOverride;
using Endpoints.DnsOverride.Cli;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Health;
using Endpoints.DnsOverride.Observability;
using Endpoints.DnsOverride.Server;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Transfers;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

var commandLine = DnsOverrideCommandLine.Parse(args);
if (commandLine.Errors.Count > 0 || commandLine.Command == "help")
{
    return commandLine.ReportUsage(DnsOverrideCommandLine.Usage + FlagHelp.Render(DnsOverrideCommandLine.Flags, "DnsOverride", DnsOverrideOptionsSetup.Defaults()));
}

if (commandLine.Command == "generate")
{
    var zones = commandLine.Settings.GetValueOrDefault("Generate:Out") ?? new DnsOverrideOptions().Zones;
    return GenerateCommand.Run(commandLine.Settings, zones, DateOnly.FromDateTime(DateTime.UtcNow), Console.Out, Console.Error);
}

if (commandLine.Command is "check" or "diff")
{
    // The zone limits as the server would apply them: its settings from the environment and the command line.
    var settings = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(commandLine.Settings).Build()
        .GetSection(DnsOverrideOptions.Section).Get<DnsOverrideOptions>() ?? new DnsOverrideOptions();
    var directory = commandLine.Positional.Count > 0 ? commandLine.Positional[0] : settings.Zones;
    return commandLine.Command == "check"
        ? CheckCommand.Run(directory, settings.ZoneLimits, Console.Out, Console.Error, commandLine.Settings.GetValueOrDefault("Check:Strict") == "true")
        : DiffCommand.Run(
            directory, commandLine.Settings["Diff:Against"]!, commandLine.Settings.GetValueOrDefault("Diff:Format") ?? "text",
            commandLine.Settings.GetValueOrDefault("Diff:AllowLargeChange") == "true", settings.ZoneLimits,
            DateOnly.FromDateTime(DateTime.UtcNow), Console.Out, Console.Error);
}

var builder = ServiceHost.CreateBuilder(commandLine.Settings);
ServiceHost.UseInlineSocketCompletions(builder, "DnsOverride:InlineCompletions", new DnsOverrideOptions().InlineCompletions);
builder.Services.AddDnsOverrideServices(builder.Configuration);

// Started in this order and stopped in reverse: /readyz answers 503 while zones load and while the server drains.
builder.Services.AddHostedService<HttpEndpointsService>();
builder.Services.AddHostedService<NotifySender>();
builder.Services.AddHostedService(services => services.GetRequiredService<HealthMonitor>());
builder.Services.AddHostedService<ZoneWatcher>();
builder.Services.AddHostedService<DnsServerService>();
builder.Services.AddHostedService<UdpSelfQuery>();
var exporters = MetricExporters.Parse(builder.Configuration["DnsOverride:Metrics"] ?? new DnsOverrideOptions().Metrics, []);
builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("endpoints-dns")).WithMetrics(metrics =>
{
    metrics.AddMeter(DnsMetrics.MeterName);
    // The runtime's own: managed heap after the last GC, threads, exceptions (a soak watches them for growth).
    metrics.AddMeter("System.Runtime");
    metrics.AddView("dns.forward.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets.Seconds });
    metrics.AddView("dns.query.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets.Seconds });
    metrics.AddView("dns.upstream.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets.Seconds });
    metrics.AddView("dns.response.size", new ExplicitBucketHistogramConfiguration { Boundaries = [64, 128, 256, 512, 1232, 2048, 4096, 16384, 65535] });
    metrics.AddExporters(exporters);
});

return await ServiceHost.RunAsync(builder).ConfigureAwait(false);
