using Endpoints.Common.Hosting;

namespace Endpoints.Proxy.Authentication;

/// <summary>Loads the Basic accounts at start, then again when the file changes (checked every second) and on SIGHUP.</summary>
internal sealed class UsersWatcher(UsersStore store, TimeProvider time) : ReloadOnChangeService(time, TimeSpan.FromSeconds(1))
{
    protected override string WatchedPath => store.Path;

    protected override void Reload(string reason) => store.Reload(reason);
}
