using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// CONNECT handshake load for bench/proxy.sh: "sink PORT" accepts and holds connections until the peer closes;
// "handshakes PROXY-PORT SINK-PORT CLIENTS SECONDS" runs CLIENTS loops of connect, CONNECT, 200, close for SECONDS
// and prints handshakes per second. Python could not drive more than ~3,000/s on one core.
if (args is ["sink", var sinkPort])
{
    var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    listener.Bind(new IPEndPoint(IPAddress.Loopback, int.Parse(sinkPort, CultureInfo.InvariantCulture)));
    listener.Listen(4096);
    while (true)
    {
        var connection = await listener.AcceptAsync();
        _ = Task.Run(async () =>
        {
            using (connection)
            {
                var buffer = new byte[4096];
                try
                {
                    while (await connection.ReceiveAsync(buffer) > 0)
                    {
                    }
                }
                catch (SocketException)
                {
                }
            }
        });
    }
}

if (args is not ["handshakes", var proxyText, var targetText, var clientsText, var secondsText])
{
    Console.Error.WriteLine("usage: ProxyLoad sink PORT | handshakes PROXY-PORT SINK-PORT CLIENTS SECONDS");
    return 2;
}

var proxy = new IPEndPoint(IPAddress.Loopback, int.Parse(proxyText, CultureInfo.InvariantCulture));
var request = Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:{targetText} HTTP/1.1\r\nHost: 127.0.0.1:{targetText}\r\n\r\n");
var duration = TimeSpan.FromSeconds(double.Parse(secondsText, CultureInfo.InvariantCulture));
var clock = Stopwatch.StartNew();
long done = 0, failed = 0;
var loops = Enumerable.Range(0, int.Parse(clientsText, CultureInfo.InvariantCulture)).Select(async _ =>
{
    var buffer = new byte[1024];
    while (clock.Elapsed < duration)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(proxy);
            await socket.SendAsync(request);
            var length = 0;
            while (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(length));
                if (n == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                length += n;
            }

            if (!buffer.AsSpan(0, length).StartsWith("HTTP/1.1 200"u8) && !buffer.AsSpan(0, length).StartsWith("HTTP/1.0 200"u8))
            {
                throw new InvalidOperationException(Encoding.ASCII.GetString(buffer, 0, length));
            }

            Interlocked.Increment(ref done);
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            Interlocked.Increment(ref failed);
        }
    }
}).ToArray();
await Task.WhenAll(loops);
Console.WriteLine(((long)(done / clock.Elapsed.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
if (failed > 0)
{
    Console.Error.WriteLine($"{failed} handshakes failed");
}

return 0;
