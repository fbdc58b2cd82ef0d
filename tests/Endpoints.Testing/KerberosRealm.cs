using System.Globalization;

namespace Endpoints.Testing;

/// <summary>
/// An MIT Kerberos realm of its own (<see cref="Realm"/>): a database in a temporary folder, users and services
/// created with kadmin.local, and <c>krb5kdc</c> on a free loopback port. Clients and the proxy find it through
/// <see cref="Environment"/> (KRB5_CONFIG), never the machine's /etc/krb5.conf.
/// </summary>
public sealed class KerberosRealm : IDisposable
{
    public const string Realm = "CORP.EXAMPLE";

    private readonly TempDirectory _directory;
    private ExternalProcess? _kdc;

    private KerberosRealm(TempDirectory directory) => _directory = directory;

    public string Directory => _directory.Path;

    /// <summary>KRB5_CONFIG for this realm, and a replay cache folder of its own (KRB5RCACHEDIR) for servers.</summary>
    public IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["KRB5_CONFIG"] = System.IO.Path.Combine(Directory, "krb5.conf"),
        ["KRB5RCACHEDIR"] = Directory,
    };

    public int Port { get; private set; }

    /// <summary>Creates the realm with <paramref name="users"/> (name, password) and <paramref name="services"/> (random keys), and starts its KDC.</summary>
    public static async Task<KerberosRealm> StartAsync(IEnumerable<(string Name, string Password)> users, IEnumerable<string> services)
    {
        var realm = new KerberosRealm(new TempDirectory());
        try
        {
            realm.WriteConfig(FreePort.Get());
            await realm.AdminAsync("kdb5_util", "create", "-s", "-r", Realm, "-P", "master-password-" + Guid.NewGuid().ToString("N"));
            foreach (var (name, password) in users)
            {
                await realm.AdminAsync("kadmin.local", "-q", $"addprinc -pw {password} {name}");
            }

            foreach (var service in services)
            {
                await realm.AdminAsync("kadmin.local", "-q", $"addprinc -randkey {service}");
            }

            await realm.StartKdcAsync();
            return realm;
        }
        catch
        {
            realm.Dispose();
            throw;
        }
    }

    /// <summary>A keytab holding <paramref name="services"/>' keys, as an AD administrator's ktpass would make (several: a host's shared keytab).</summary>
    public async Task<string> KeytabAsync(params string[] services)
    {
        var path = System.IO.Path.Combine(Directory, string.Join('+', services).Replace('/', '_') + ".keytab");
        await AdminAsync("kadmin.local", "-q", $"ktadd -k {path} {string.Join(' ', services)}");
        return path;
    }

    /// <summary>Logs <paramref name="user"/> in (kinit) into a ticket cache of its own; the environment a client needs to use it.</summary>
    public async Task<IDictionary<string, string>> LoginAsync(string user, string password, string lifetime = "1h")
    {
        var cache = System.IO.Path.Combine(Directory, $"{user}-{Guid.NewGuid():N}.ccache");
        var environment = Environment;
        environment["KRB5CCNAME"] = $"FILE:{cache}";
        var (exitCode, output) = await Tools.RunInAsync(
            null, "bash", ["-c", $"echo '{password}' | {Tools.Require("kinit")} -l {lifetime} {user}@{Realm}"], environment);
        return exitCode == 0 ? environment : throw new InvalidOperationException($"kinit {user} failed:\n{output}");
    }

    public void Dispose()
    {
        _kdc?.Dispose();
        _directory.Dispose();
    }

    private void WriteConfig(int port)
    {
        Port = port;
        var portText = port.ToString(CultureInfo.InvariantCulture);

        // The realm's braces on lines of their own: kinit cannot find the KDC otherwise (TESTING-NOTES).
        _directory.Write("krb5.conf", $$"""
            [libdefaults]
                default_realm = {{Realm}}
                dns_lookup_kdc = false
                dns_lookup_realm = false
                dns_canonicalize_hostname = false
                rdns = false
                udp_preference_limit = 1
            [realms]
                {{Realm}} =
                {
                    kdc = 127.0.0.1:{{portText}}
                }
            """);
        _directory.Write("kdc.conf", $$"""
            [kdcdefaults]
                kdc_listen = 127.0.0.1:{{portText}}
                kdc_tcp_listen = 127.0.0.1:{{portText}}
            [realms]
                {{Realm}} =
                {
                    database_name = {{Directory}}/principal
                    key_stash_file = {{Directory}}/stash
                    acl_file = {{Directory}}/kadm5.acl
                }
            [logging]
                kdc = FILE:{{Directory}}/kdc.log
            """);
    }

    private Dictionary<string, string> AdminEnvironment() => new(Environment)
    {
        ["KRB5_KDC_PROFILE"] = System.IO.Path.Combine(Directory, "kdc.conf"),
    };

    private async Task AdminAsync(string program, params string[] arguments)
    {
        var (exitCode, output) = await Tools.RunInAsync(null, Tools.Require(program), arguments, AdminEnvironment());
        if (exitCode != 0 || output.Contains("error", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed:\n{output}");
        }
    }

    /// <summary>Starts krb5kdc and waits until it listens on TCP; a port taken meanwhile means another port.</summary>
    private async Task StartKdcAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var kdc = new ExternalProcess(Tools.Require("krb5kdc"), ["-n", "-P", System.IO.Path.Combine(Directory, "kdc.pid")], environment: AdminEnvironment());
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!kdc.HasExited && !FreePort.IsListening(Port) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            if (!kdc.HasExited && FreePort.IsListening(Port))
            {
                _kdc = kdc;
                return;
            }

            var log = File.Exists(System.IO.Path.Combine(Directory, "kdc.log")) ? File.ReadAllText(System.IO.Path.Combine(Directory, "kdc.log")) : string.Empty;
            kdc.Dispose();
            if (attempt >= 5 || !FreePort.IsAddressInUse(log + kdc.Output))
            {
                throw new InvalidOperationException($"krb5kdc did not start on port {Port}:\n{kdc.Output}\n{log}");
            }

            WriteConfig(FreePort.Get());
        }
    }
}
