using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Endpoints.DnsOverride.Tests.Forwarding;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Integration;

/// <summary>
/// SIGTERM under a steady stream of zone and forwarded queries with a slow upstream: every query is answered, or
/// refused by the kernel once the sockets are closed; none is left to time out, as resolvers saw before.
/// </summary>
[Trait("Category", "Integration")]
[Collection(TimingSensitive.Name)]
public sealed class GracefulStopTests
{
    private enum Outcome
    {
        Answered,
        Refused,
        TimedOut,
    }

    [Fact]
    public async Task EveryQueryIsAnsweredThroughTheStop()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var upstream = new LoopbackResponder(TimeSpan.FromMilliseconds(800));
        using var server = await DnsServerProcess.StartAsync(zones.Path, [upstream.EndPoint.ToString()], ["--log-level", "Information"]);

        var queries = new List<(bool Forwarded, bool AfterStop, Task<Outcome> Outcome)>();
        var clock = Stopwatch.StartNew();
        var stopAt = TimeSpan.FromSeconds(1);
        TimeSpan? exitedAt = null;
        for (var i = 0; exitedAt is null || clock.Elapsed < exitedAt + TimeSpan.FromMilliseconds(300); i++)
        {
            if (clock.Elapsed >= stopAt && !queries.Any(q => q.AfterStop))
            {
                server.Process.Signal(Signals.SIGTERM);
            }

            var forwarded = i % 2 == 1;
            var name = forwarded ? $"f{i}.example.org." : $"z{i}.s3.amazonaws.com.";
            queries.Add((forwarded, clock.Elapsed >= stopAt, AskAsync(server.Port, name, (ushort)i)));
            await Task.Delay(20);
            if (exitedAt is null && server.Process.HasExited)
            {
                exitedAt = clock.Elapsed;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the server did not exit");
        }

        var outcomes = await Task.WhenAll(queries.Select(q => q.Outcome));
        var afterStop = queries.Zip(outcomes).Where(q => q.First.AfterStop).ToList();

        var timedOut = queries.Zip(outcomes).Select((q, i) => (q, i)).Where(x => x.q.Second == Outcome.TimedOut)
            .Select(x => $"#{x.i} forwarded={x.q.First.Forwarded} afterStop={x.q.First.AfterStop}").ToList();
        Assert.True(timedOut.Count == 0, $"timed out: {string.Join(", ", timedOut)}\n{server.Output}");
        Assert.Contains(afterStop, q => q.First.Forwarded && q.Second == Outcome.Answered);
        Assert.Contains(afterStop, q => !q.First.Forwarded && q.Second == Outcome.Answered);
        Assert.Equal(0, server.Process.ExitCode);
        var stopped = Regex.Match(server.Output, @"Stopped after (\d+) ms; 0 queries were still in flight");
        Assert.True(stopped.Success, server.Output);
        Assert.InRange(int.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture), 0, 4000 + 1000 + 500); // forward deadline, the drain after it, scheduling
    }

    [Fact]
    public async Task WithNothingInFlightItStopsAtOnce()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--log-level", "Information"]);
        Assert.Equal(Outcome.Answered, await AskAsync(server.Port, "x.s3.amazonaws.com.", 1));

        server.Process.Signal(Signals.SIGTERM);

        Assert.True(server.Process.WaitForExit(TimeSpan.FromSeconds(10)), "did not stop on SIGTERM");
        var stopped = Regex.Match(server.Output, @"Stopped after (\d+) ms");
        Assert.True(stopped.Success, server.Output);
        Assert.InRange(int.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture), 0, 500);
    }

    /// <summary>
    /// One query from its own connected socket: an answer, a refusal (ICMP: the port is closed), or nothing within
    /// 15 s (well past the server's 4 s forward deadline, so a busy test host is not mistaken for a lost query).
    /// </summary>
    private static async Task<Outcome> AskAsync(int port, string name, ushort id)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await socket.SendAsync(DnsWire.BuildQuery(name, 1, recursionDesired: true, id: id));
            var buffer = new byte[1232];
            while (true)
            {
                var length = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(15));
                if (length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id)
                {
                    return Outcome.Answered;
                }
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Outcome.Refused;
        }
        catch (TimeoutException)
        {
            return Outcome.TimedOut;
        }
    }
}
