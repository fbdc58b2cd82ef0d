using System.Diagnostics.Metrics;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Zones;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Tests.Zones;

public sealed class ZoneStoreTests
{
    private const string Good = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nwww A 10.0.0.2\n";

    [Fact]
    public void ABrokenEditKeepsTheLastGoodZoneAndIsCounted()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("example.com.zone", Good);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<IMeterFactory>());
        var failures = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DnsMetrics.MeterName && instrument.Name == "dns.zone.load_failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => failures.Add((string)tags[0].Value!));
        listener.Start();
        var store = new ZoneStore(Options.Create(new DnsOverrideOptions { Zones = directory.Path }), NullLogger<ZoneStore>.Instance, metrics);

        store.Reload("test");
        Assert.True(store.LastReport!.Success);
        File.WriteAllText(file, Good.Replace("10.0.0.2", "10.0.0.999", StringComparison.Ordinal));
        store.Reload("test");
        var report = store.LastReport!;

        Assert.False(report.Success);
        Assert.Contains(report.Errors, e => e.ToString().StartsWith($"{file}:5:", StringComparison.Ordinal));
        Assert.Equal([file], report.KeptFiles);
        Assert.NotNull(store.Current.FindZoneExact(DnsName.Parse("example.com.")));
        Assert.Equal(["example.com.zone"], failures);
    }

    [Fact]
    public void EachZonesSerialIsAGaugeThatFollowsReloads()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("example.com.zone", Good);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<IMeterFactory>());
        var serials = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DnsMetrics.MeterName && instrument.Name == "dns.zone.serial")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => serials[(string)tags[0].Value!] = value);
        var store = new ZoneStore(Options.Create(new DnsOverrideOptions { Zones = directory.Path }), NullLogger<ZoneStore>.Instance, metrics);
        listener.Start();

        store.Reload("test");
        listener.RecordObservableInstruments();
        Assert.Equal(1, serials["example.com."]);

        File.WriteAllText(file, Good.Replace("SOA ns h 1", "SOA ns h 2026112601", StringComparison.Ordinal));
        store.Reload("test");
        listener.RecordObservableInstruments();
        Assert.Equal(2026112601, serials["example.com."]);
    }

    [Fact]
    public void RemovedFilesStopBeingServed()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("example.com.zone", Good);
        directory.Write("example.net.zone", Good);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<IMeterFactory>());
        var store = new ZoneStore(Options.Create(new DnsOverrideOptions { Zones = directory.Path }), NullLogger<ZoneStore>.Instance, metrics);
        store.Reload("test");

        File.Delete(file);
        store.Reload("test");

        Assert.Equal(["example.net."], store.Current.Zones.Select(z => z.Name));
    }
}
