namespace Endpoints.Testing;

/// <summary>
/// A network namespace the test creates (as root), joined to ours by a veth pair: 10.77.N.254 on our side, the
/// given host numbers on its side. Hosts that a test can make unreachable by taking their address away. Removed,
/// with its link, on dispose.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name, int subnet)
    {
        Name = name;
        Subnet = subnet;
    }

    public string Name { get; }

    public int Subnet { get; }

    public string Device => $"{Name}-n";

    /// <summary>The address of host <paramref name="host"/> in this namespace's /24.</summary>
    public string Address(int host) => $"10.77.{Subnet}.{host}";

    public static async Task<NetworkNamespace> CreateAsync(params int[] hosts)
    {
        var subnet = Random.Shared.Next(10, 250);
        var name = $"ep{Environment.ProcessId % 10000}{subnet}";
        var space = new NetworkNamespace(name, subnet);
        try
        {
            await IpAsync("netns", "add", name);
            await IpAsync("link", "add", $"{name}-h", "type", "veth", "peer", "name", space.Device);
            await IpAsync("link", "set", space.Device, "netns", name);
            await IpAsync("addr", "add", $"10.77.{subnet}.254/24", "dev", $"{name}-h");
            await IpAsync("link", "set", $"{name}-h", "up");
            await space.InsideAsync("ip", "link", "set", "lo", "up");
            await space.InsideAsync("ip", "link", "set", space.Device, "up");
            foreach (var host in hosts)
            {
                await space.AddAsync(host);
            }

            return space;
        }
        catch
        {
            space.Dispose();
            throw;
        }
    }

    public Task AddAsync(int host) => InsideAsync("ip", "addr", "add", $"{Address(host)}/24", "dev", Device);

    /// <summary>Takes the address away: packets to it get no answer at all (no ARP reply), as from a dead host.</summary>
    public Task RemoveAsync(int host) => InsideAsync("ip", "addr", "del", $"{Address(host)}/24", "dev", Device);

    /// <summary>Starts <paramref name="program"/> inside the namespace and waits for <paramref name="readyText"/>.</summary>
    public Task<ExternalProcess> StartAsync(string program, IEnumerable<string> arguments, string readyText) =>
        ExternalProcess.StartAsync(Tools.Require("ip"), ["netns", "exec", Name, Tools.Require(program), .. arguments], readyText);

    public void Dispose() => Tools.RunAsync("ip", "netns", "del", Name).GetAwaiter().GetResult();

    private Task InsideAsync(params string[] command) => IpAsync(["netns", "exec", Name, .. command]);

    private static async Task IpAsync(params string[] arguments)
    {
        var (exit, output) = await Tools.RunAsync("ip", arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {output}");
        }
    }
}
