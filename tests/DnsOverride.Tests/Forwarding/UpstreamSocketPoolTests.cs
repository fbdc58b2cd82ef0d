using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// How long an upstream socket (a source port) lives (RFC 5452 9.2; SAD DNS): one exchange at low load; under load
/// it is handed on only within 10 ms of its last exchange and 50 ms of its opening, and emptied first, so answers
/// forged onto a known port while it waited are never read as the next question's.
/// </summary>
public sealed class UpstreamSocketPoolTests : IDisposable
{
    private readonly UdpClient _upstream = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly FakeTimeProvider _time = new();
    private readonly UpstreamSocketPool _pool;

    public UpstreamSocketPoolTests() => _pool = new UpstreamSocketPool((IPEndPoint)_upstream.Client.LocalEndPoint!, _time);

    [Fact]
    public void OneExchangeAtATimeGetsAFreshSocketEachTime()
    {
        var first = _pool.Rent();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _pool.Return(first);

        var second = _pool.Rent();

        Assert.NotSame(first, second);
        _pool.Return(second);
    }

    [Fact]
    public void UnderLoadASocketIsHandedOnWithinItsTimesOnly()
    {
        var first = _pool.Rent();
        var other = _pool.Rent();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _pool.Return(first);
        Assert.Same(first, _pool.Rent());

        // Opened 50 ms ago: closed, not handed on.
        _time.Advance(TimeSpan.FromMilliseconds(UpstreamSocketPool.MaxAgeMs));
        _pool.Rent();
        _pool.Return(first);
        Assert.NotSame(first, _pool.Rent());

        // Idle past 10 ms in the pool: the sweep closes it.
        var young = _pool.Rent();
        _pool.Rent();
        _pool.Return(young);
        _time.Advance(TimeSpan.FromMilliseconds(UpstreamSocketPool.MaxIdleMs + 1));
        _pool.Trim();
        Assert.NotSame(young, _pool.Rent());
        _pool.Return(other);
    }

    [Fact]
    public async Task AnswersForgedOntoAnIdleSocketAreThrownAwayBeforeItsNextExchange()
    {
        var waiting = _pool.Rent();
        _pool.Rent();
        _pool.Return(waiting);

        // From the upstream's own address and port, as a forger who knows both would send them.
        for (var i = 0; i < 16; i++)
        {
            await _upstream.SendAsync(new byte[64], new IPEndPoint(IPAddress.Loopback, waiting.LocalPort));
        }

        // A UDP socket reports the size of the first datagram queued (loopback delivers within the send).
        Assert.True(await Eventually.TrueAsync(() => waiting.Queued == 64, TimeSpan.FromSeconds(5)));
        var next = _pool.Rent();

        Assert.Same(waiting, next);
        Assert.Equal(0, next.Queued);
    }

    public void Dispose() => _upstream.Dispose();
}
