using System.Text;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Cli;

/// <summary><c>hash-password</c> and <c>check</c> as an administrator runs them.</summary>
[Trait("Category", "Integration")]
public sealed class ProxyCommandsTests
{
    [Fact]
    public async Task HashPasswordReadsStdinAndPrintsALineTheUsersFileTakes()
    {
        var (exit, output) = await Tools.RunAsync("bash", "-c", $"printf 'pass word\\n' | dotnet {ProxyProcess.Dll} hash-password svc-backup");

        Assert.Equal(0, exit);
        var line = output.Trim();
        var (users, errors) = UsersFile.Parse([line], "users");
        Assert.Empty(errors);
        Assert.True(users!["svc-backup"].Verify(Encoding.UTF8.GetBytes("pass word")));
        Assert.DoesNotContain("pass word", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashPasswordRefusesANameTheFileCannotHold()
    {
        var (exit, output) = await Tools.RunAsync("bash", "-c", $"echo pw | dotnet {ProxyProcess.Dll} hash-password alice@CORP.EXAMPLE");

        Assert.Equal(2, exit);
        Assert.Contains("name 'alice@CORP.EXAMPLE' must be", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckWarnsWhenOnlyTheTlsListenerServesARuleWithUsersAndFailsOnABadUsersFile()
    {
        using var directory = new TempDirectory();
        var policy = directory.Write("policy.json", """
            { "rules": [ { "name": "staff", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"], "ports": [443],
                           "users": ["*@CORP.EXAMPLE"] } ] }
            """);
        var users = directory.Write("users", "# accounts\nsvc-backup:hunter2\n");

        var (tlsExit, tls) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--tls", "0.0.0.0:443");
        var (bothExit, both) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--tls", "0.0.0.0:443", "--connect", "0.0.0.0:3128", "--users", users);

        Assert.Equal(0, tlsExit);
        Assert.Contains($"{policy}: warning: rule 'staff' names users, but port 443 is served only by the TLS listener", tls, StringComparison.Ordinal);
        Assert.Equal(1, bothExit);
        Assert.Contains($"{users}:2: svc-backup: not a $pbkdf2-sha256$ hash", both, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", both, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRefusesAnSpnWithoutAKeytabOrNotAServicePrincipal()
    {
        using var directory = new TempDirectory();
        var policy = directory.Write("policy.json", """{ "rules": [] }""");
        var keytab = directory.Write("proxy.keytab", "not empty");

        var (aloneExit, alone) = await Tools.RunAsync("bash", "-c", $"unset KRB5_KTNAME; dotnet {ProxyProcess.Dll} check {policy} --spn HTTP/proxy.corp.example");
        var (badExit, bad) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--keytab", keytab, "--spn", "proxy.corp.example");

        Assert.Equal((1, 1), (aloneExit, badExit));
        Assert.Contains("--spn: names the principal of a keytab, and no --keytab (or KRB5_KTNAME) is given", alone, StringComparison.Ordinal);
        Assert.Contains("--spn: 'proxy.corp.example' is not a service principal such as HTTP/proxy.corp.example", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckSaysWhatIsWrongInsideTheKeytab()
    {
        using var directory = new TempDirectory();
        var policy = directory.Write("policy.json", """
            { "rules": [ { "name": "staff", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"] } ] }
            """);
        var garbage = directory.Write("garbage.keytab", "not a keytab");
        var keytab = Path.Combine(directory.Path, "proxy.keytab");
        var (ktutilExit, ktutil) = await Tools.RunAsync("bash", "-c",
            $"printf 'addent -password -p HTTP/proxy.corp.example@CORP.EXAMPLE -k 1 -e aes256-cts-hmac-sha1-96\\nsecret\\nwkt {keytab}\\nquit\\n' | ktutil");
        Assert.True(ktutilExit == 0 && File.Exists(keytab), ktutil);

        var (garbageExit, garbageOutput) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--keytab", garbage);
        var (otherExit, other) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--keytab", keytab, "--spn", "HTTP/other.corp.example@CORP.EXAMPLE");
        var (ownExit, own) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--keytab", keytab, "--spn", "HTTP/proxy.corp.example@CORP.EXAMPLE");

        Assert.Equal((1, 1, 0), (garbageExit, otherExit, ownExit));
        Assert.Contains($"--keytab: keytab {garbage}: Unsupported key table format version number", garbageOutput, StringComparison.Ordinal);
        Assert.Contains($"--keytab: no Kerberos key for HTTP/other.corp.example@CORP.EXAMPLE in keytab {keytab}", other, StringComparison.Ordinal);
        Assert.Contains($"OK: {policy}", own, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckWarnsWhenBasicIsAllowedOverPlaintext()
    {
        using var directory = new TempDirectory();
        var policy = directory.Write("policy.json", """
            { "rules": [ { "name": "backup", "action": "allow", "sources": ["10.0.0.0/8"], "destinations": ["*.s3.amazonaws.com"], "ports": [443],
                           "users": ["svc-backup"] } ] }
            """);
        var users = directory.Write("users", $"svc-backup:{PasswordHash.Create("pw")}\n");

        var (exit, output) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", policy, "--users", users, "--allow-basic-over-plaintext");

        Assert.True(exit == 0, output);
        Assert.Contains("warning: --allow-basic-over-plaintext: Basic passwords are taken on the plaintext listeners", output, StringComparison.Ordinal);
    }
}
