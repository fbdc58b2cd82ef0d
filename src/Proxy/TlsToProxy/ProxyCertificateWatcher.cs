using Endpoints.Common.Hosting;

namespace Endpoints.Proxy.TlsToProxy;

/// <summary>Loads the listener's certificate at start, then again when its folder changes (checked every second) and on SIGHUP.</summary>
internal sealed class ProxyCertificateWatcher(ProxyCertificateStore store, TimeProvider time) : ReloadOnChangeService(time, TimeSpan.FromSeconds(1))
{
    protected override string WatchedPath => store.Folder;

    protected override void Reload(string reason) => store.Reload(reason);
}
