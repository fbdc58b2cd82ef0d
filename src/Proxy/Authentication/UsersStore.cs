using Endpoints.Common.Hosting;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;

namespace Endpoints.Proxy.Authentication;

/// <summary>The Basic accounts in force (<c>--users</c>). A reload that fails keeps the last good accounts and logs why.</summary>
internal sealed class UsersStore(string path, ILogger<UsersStore> logger) : LastGoodStore<IReadOnlyDictionary<string, PasswordHash>>(new Dictionary<string, PasswordHash>())
{
    public string Path { get; } = path;

    protected override IReadOnlyDictionary<string, PasswordHash>? Load(string reason, IReadOnlyDictionary<string, PasswordHash> current)
    {
        var (users, errors) = UsersFile.Load(Path);
        if (users is null)
        {
            Log.UsersFailed(logger, Path, reason, string.Join("; ", errors));
            return null;
        }

        Log.UsersLoaded(logger, Path, reason, users.Count);
        return users;
    }

    protected override void Failed(string reason, Exception exception) => Log.UsersFailed(logger, Path, reason, exception.Message);
}
