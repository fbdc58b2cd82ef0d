using Endpoints.Common.Hosting;
using Endpoints.DnsOverride.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Zones;

/// <summary>Loads the zones at start, then again on SIGHUP and when anything in the zone directory changes.</summary>
internal sealed class ZoneWatcher(ZoneStore store, TimeProvider time, IOptions<DnsOverrideOptions> options)
    : ReloadOnChangeService(time, options.Value.ZonePollInterval)
{
    protected override string WatchedPath => store.Directory;

    protected override void Reload(string reason) => store.Reload(reason);
}
