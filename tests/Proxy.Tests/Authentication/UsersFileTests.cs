using Endpoints.Proxy.Authentication;

namespace Endpoints.Proxy.Tests.Authentication;

public sealed class UsersFileTests
{
    private const string Hash = "$pbkdf2-sha256$600000$ZW5kcG9pbnRzLWRlY295$5RWo4bGyX2dlctCbHpaGNo0fXLEL4fDGhJh3t5OMqcE";

    [Fact]
    public void ReadsAccountsAndSkipsCommentsAndBlankLines()
    {
        var (users, errors) = UsersFile.Parse(["# service accounts", "", $"svc-backup:{Hash}", $"  svc-etl:{Hash}  "], "users");

        Assert.Empty(errors);
        Assert.Equal(["svc-backup", "svc-etl"], users!.Keys.Order());
    }

    [Fact]
    public void ReportsEveryBadLineAtItsLineAndUsesNone()
    {
        var (users, errors) = UsersFile.Parse(
            [$"svc-backup:{Hash}", "svc-plain:hunter2", "no colon here", $"alice@CORP.EXAMPLE:{Hash}", $"svc-backup:{Hash}", $":{Hash}"], "users");

        Assert.Null(users);
        Assert.Equal(5, errors.Count);
        Assert.StartsWith("users:2: svc-plain: not a $pbkdf2-sha256$ hash", errors[0], StringComparison.Ordinal);
        Assert.Equal("users:3: expected NAME:HASH", errors[1]);
        Assert.StartsWith("users:4: name 'alice@CORP.EXAMPLE' must be", errors[2], StringComparison.Ordinal);
        Assert.Equal("users:5: 'svc-backup' is already defined at line 1", errors[3]);
        Assert.Equal("users:6: expected NAME:HASH", errors[4]);
    }
}
