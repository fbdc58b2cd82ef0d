using System.Text;
using Endpoints.Proxy.Authentication;

namespace Endpoints.Fuzz.Proxy;

/// <summary>The Basic users file (<c>name:$pbkdf2-sha256$...</c> lines): accounts or errors at FILE:LINE, never both.</summary>
internal sealed class UsersFileHarness : IHarness
{
    private const string Path = "/etc/endpoints/users";

    public string Name => "users-file";

    public void Run(ReadOnlySpan<byte> input)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n');
        var bound = AllocationBound.Start(input.Length);
        var (users, errors) = UsersFile.Parse(lines, Path);
        bound.Check(Name);
        FileErrors.CheckEither(users, errors.ToList(), Name);
        FileErrors.CheckLocated(errors, Path, Name);
        PropertyViolation.Unless(users is null || users.Keys.All(name => UsersFile.NameProblem(name) is null), "an account whose name the file's own rule refuses");
    }
}
