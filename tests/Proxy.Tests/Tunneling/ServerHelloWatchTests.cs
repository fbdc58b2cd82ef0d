using Endpoints.Proxy.Tests.Integration;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class ServerHelloWatchTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task AHelloRetryRequestIsToldInAnyPieces(int piece)
    {
        var watch = new ServerHelloWatch();

        for (var at = 0; at < HelloRetryOrigin.HelloRetryRequest.Length && !watch.Decided; at += piece)
        {
            watch.Observe(HelloRetryOrigin.HelloRetryRequest.AsSpan(at, Math.Min(piece, HelloRetryOrigin.HelloRetryRequest.Length - at)));
        }

        Assert.True(watch.Decided);
        Assert.True(await watch.IsHelloRetryRequest);
    }

    [Fact]
    public async Task AnOrdinaryServerHelloIsNot()
    {
        var hello = (byte[])HelloRetryOrigin.HelloRetryRequest.Clone();
        hello[20] ^= 1;
        var watch = new ServerHelloWatch();

        watch.Observe(hello);

        Assert.False(await watch.IsHelloRetryRequest);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'S', (byte)'S', (byte)'H' })]
    [InlineData(new byte[] { 21, 3, 3, 0, 2, 2, 40 })]
    [InlineData(new byte[] { 22, 3, 3, 0, 4 })]
    public async Task WhatIsNotAServerHelloIsToldAtOnce(byte[] bytes)
    {
        var watch = new ServerHelloWatch();

        watch.Observe(bytes);

        Assert.True(watch.Decided);
        Assert.False(await watch.IsHelloRetryRequest);
    }

    [Fact]
    public async Task AServerThatEndsFirstIsNotARetry()
    {
        var watch = new ServerHelloWatch();
        watch.Observe(HelloRetryOrigin.HelloRetryRequest.AsSpan(0, 20));
        Assert.False(watch.Decided);

        watch.Ended();

        Assert.False(await watch.IsHelloRetryRequest);
    }
}
