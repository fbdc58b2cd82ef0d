using System.Net;
using System.Net.Sockets;

namespace Endpoints.Testing;

/// <summary>
/// Ports for programs that cannot bind port 0 and report it (named, unbound, haproxy). Our own servers bind port 0
/// and the tests read the port from their "Listening" line instead.
/// </summary>
public static class FreePort
{
    /// <summary>Whether a program's output says its port was taken (named, unbound and haproxy each word it so).</summary>
    public static bool IsAddressInUse(string output) =>
        output.Contains("address in use", StringComparison.OrdinalIgnoreCase) ||
        output.Contains("cannot bind socket", StringComparison.OrdinalIgnoreCase);

    /// <summary>A loopback port free for both UDP and TCP right now.</summary>
    public static int Get()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free port");
    }

    /// <summary>Whether some process listens on this TCP port on 127.0.0.1 (read from /proc, without connecting to it).</summary>
    public static bool IsListening(int port)
    {
        var local = $"0100007F:{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length > 3 && fields[1] == local && fields[3] == "0A");
    }
}
