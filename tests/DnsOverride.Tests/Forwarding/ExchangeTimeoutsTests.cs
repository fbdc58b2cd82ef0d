using System.Net;
using Endpoints.DnsOverride.Forwarding;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// The sweep of the exchanges waiting on upstreams runs while one waits or its tick has work left, and not at all
/// on an idle server (it used to wake 20 times a second for nothing).
/// </summary>
public sealed class ExchangeTimeoutsTests
{
    private readonly FakeTimeProvider _time = new();
    private int _ticks;
    private bool _idleSockets;

    [Fact]
    public void AnIdleServerSweepsNothing()
    {
        using var timeouts = new ExchangeTimeouts(_time, Tick);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, _ticks);
    }

    [Fact]
    public void TheSweepRunsWhileAnExchangeWaitsAndStopsAfterItsDeadline()
    {
        using var timeouts = new ExchangeTimeouts(_time, Tick);
        using var socket = UpstreamSocket.Open(new IPEndPoint(IPAddress.Loopback, 9));
        timeouts.Start(socket, TimeSpan.FromMilliseconds(120));

        _time.Advance(ExchangeTimeouts.Tick);
        _time.Advance(ExchangeTimeouts.Tick);
        Assert.Equal(2, _ticks);
        Assert.True(socket.Waiting);

        _time.Advance(ExchangeTimeouts.Tick);
        Assert.False(socket.Waiting);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, _ticks);
    }

    [Fact]
    public void TheSweepGoesOnWhileItsTickHasWorkAndStartsAgainForTheNextExchange()
    {
        using var timeouts = new ExchangeTimeouts(_time, Tick);
        using var socket = UpstreamSocket.Open(new IPEndPoint(IPAddress.Loopback, 9));
        _idleSockets = true;
        timeouts.Start(socket, TimeSpan.FromSeconds(30));
        Assert.True(timeouts.Stop(socket));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, _ticks);

        _idleSockets = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(21, _ticks);

        timeouts.Start(socket, TimeSpan.FromSeconds(30));
        _time.Advance(ExchangeTimeouts.Tick);
        Assert.Equal(22, _ticks);
    }

    private bool Tick()
    {
        _ticks++;
        return _idleSockets;
    }
}
