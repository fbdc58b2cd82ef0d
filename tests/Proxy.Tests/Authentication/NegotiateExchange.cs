using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>Kerberos tokens from the NegotiateClient tool, and one CONNECT with a Proxy-Authorization of the test's making.</summary>
internal static class NegotiateExchange
{
    /// <summary><paramref name="count"/> fresh SPNEGO tokens for <paramref name="service"/>, from the ticket cache <paramref name="environment"/> names.</summary>
    public static async Task<string[]> TokensAsync(IDictionary<string, string> environment, string service, int count)
    {
        var (exit, output) = await Tools.RunWithEnvironmentAsync(environment, "dotnet", BuiltProgram.TestTool("NegotiateClient"), "token", service,
            count.ToString(CultureInfo.InvariantCulture));
        Assert.True(exit == 0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Sends one CONNECT to <paramref name="target"/> from <paramref name="source"/> (127.0.0.1 unless given); the proxy's answer head, or all it sent.</summary>
    public static async Task<string> ConnectAsync(int proxyPort, string target, string? authorization, IPAddress? source = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source ?? IPAddress.Loopback, 0));
        await socket.ConnectAsync(IPAddress.Loopback, proxyPort);
        var head = $"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{(authorization is null ? string.Empty : $"Proxy-Authorization: {authorization}\r\n")}\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return received.ToString();
    }
}
