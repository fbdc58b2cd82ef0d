using Endpoints.Common.Hosting;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Takes the keytab's keys again when its file changes (checked every second) and on SIGHUP, as a rotated key
/// (msktutil, ktutil, a new ktpass export) must count without a restart.
/// </summary>
internal sealed class KeytabWatcher(GssAcceptor acceptor, TimeProvider time) : ReloadOnChangeService(time, TimeSpan.FromSeconds(1))
{
    protected override string WatchedPath => Keytab.FilePath(acceptor.Keytab);

    protected override void Reload(string reason)
    {
        // The acceptor took the keys when it was made: a keytab it cannot use stops the start there.
        if (reason != "start")
        {
            acceptor.Reload(reason);
        }
    }
}
