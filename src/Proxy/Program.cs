using Endpoints.Common.Cli;
using Endpoints.Common.Hosting;
using Endpoints.Common.Telemetry;
using Endpoints.Proxy;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Cli;
using Endpoints.Proxy.Configuration;
using Endpoints.Proxy.Policy;
using Endpoints.Proxy.Telemetry;
using Endpoints.Proxy.TlsToProxy;
using Endpoints.Proxy.Tunneling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

var commandLine = ProxyCommandLine.Parse(args);
if (commandLine.Errors.Count > 0 || commandLine.Command == "help")
{
    return commandLine.ReportUsage(ProxyCommandLine.Usage + FlagHelp.Render(ProxyCommandLine.Flags, "Proxy", ProxyOptionsSetup.Defaults()));
}

if (commandLine.Command == "check")
{
    return commandLine.Settings.ContainsKey("Check:Explain") ? ProxyChecks.Explain(commandLine, Console.Out, Console.Error) : ProxyChecks.Check(commandLine);
}

if (commandLine.Command == "doctor")
{
    return await DoctorCommand.RunAsync(commandLine, Console.Out, Console.Error).ConfigureAwait(false);
}

if (commandLine.Command == "hash-password")
{
    return ProxyChecks.HashPassword(commandLine, Console.In);
}

var builder = ServiceHost.CreateBuilder(commandLine.Settings);

ServiceHost.UseInlineSocketCompletions(builder, "Proxy:InlineCompletions", new ProxyOptions().InlineCompletions);
builder.Services.AddProxyServices(builder.Configuration);
builder.Services.AddHostedService<PolicyWatcher>();
if (builder.Configuration["Proxy:Users"] is not null)
{
    builder.Services.AddHostedService<UsersWatcher>();
}

if (Keytab.Resolve(builder.Configuration["Proxy:Keytab"]) is not null)
{
    builder.Services.AddHostedService<KeytabWatcher>();
}

if (builder.Configuration["Proxy:ConnectTls"] is not null)
{
    builder.Services.AddHostedService<ProxyCertificateWatcher>();
}

builder.Services.AddHostedService<ProxyService>();
builder.Services.AddHostedService<AfterLoadCollector>();
builder.Services.AddOptions<HostOptions>().Configure<IOptions<ProxyOptions>>((host, proxy) => host.ShutdownTimeout = proxy.Value.DrainTimeout + TimeSpan.FromSeconds(15));
var exporters = MetricExporters.Parse(builder.Configuration["Proxy:Metrics"] ?? new ProxyOptions().Metrics, []);
builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("endpoints-proxy")).WithMetrics(metrics =>
{
    metrics.AddMeter(ProxyMetrics.MeterName);
    // The runtime's own: managed heap after the last GC, threads, exceptions (a soak watches them for growth).
    metrics.AddMeter("System.Runtime");
    metrics.AddView("proxy.connect.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets.Seconds });
    metrics.AddView("proxy.tunnel.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.01, 0.1, 1, 10, 60, 300, 900, 3600] });
    metrics.AddExporters(exporters);
});

return await ServiceHost.RunAsync(builder).ConfigureAwait(false);
