using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Transfers;

/// <summary>
/// What a NOTIFY's answer must be before it stops the retries: NOERROR (a REFUSED is the secondary saying no, logged
/// as such), and, when we sign, a response whose TSIG verifies against our request (a forged acknowledgement is not one).
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotifyAnswerTests
{
    [Fact]
    public async Task ARefusedNotifyIsLoggedAsRefusedNotAcknowledged()
    {
        using var secondary = new FakeSecondary(rcode: 5);
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);

        using var server = await DnsServerProcess.StartAsync(zones.Path, extra: ["--allow-transfer", "127.0.0.1/32", "--notify", $"127.0.0.1:{secondary.Port}"]);

        Assert.True(await server.Process.WaitForMatchAsync(@"NOTIFY for \S+ \(serial \d+\) refused by 127\.0\.0\.1:\d+: REFUSED; not sent again", TimeSpan.FromSeconds(30)), server.Output);
        Assert.DoesNotContain("acknowledged by", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnsignedAcknowledgementOfASignedNotifyDoesNotCount()
    {
        using var secondary = new FakeSecondary(rcode: 0);
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        using var keys = new TempDirectory();

        using var server = await DnsServerProcess.StartAsync(zones.Path,
            extra: ["--allow-transfer", "127.0.0.1/32", "--tsig-keys", TransferTests.KeyFile(keys), "--notify", $"127.0.0.1:{secondary.Port}"]);

        // The first retry comes after 1 s: the forged answers were waited past, not taken.
        Assert.True(await secondary.WaitForAsync(2, TimeSpan.FromSeconds(30)), $"{secondary.Received} NOTIFY messages");
        Assert.DoesNotContain("acknowledged by", server.Output, StringComparison.Ordinal);
    }

    /// <summary>Answers every NOTIFY with its header echoed, QR set and the given rcode, and no TSIG.</summary>
    private sealed class FakeSecondary : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly byte _rcode;
        private int _received;

        public FakeSecondary(byte rcode)
        {
            _rcode = rcode;
            _ = AnswerAsync();
        }

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        public int Received => Volatile.Read(ref _received);

        public Task<bool> WaitForAsync(int count, TimeSpan timeout) => Eventually.TrueAsync(() => Received >= count, timeout);

        private async Task AnswerAsync()
        {
            while (true)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _socket.ReceiveAsync();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _received);
                var request = received.Buffer;
                byte[] response = [request[0], request[1], (byte)(request[2] | 0x80), _rcode, 0, 0, 0, 0, 0, 0, 0, 0];
                await _socket.SendAsync(response, received.RemoteEndPoint);
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
