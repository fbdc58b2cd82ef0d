using System.Net;
using Endpoints.Proxy.Resolution;

namespace Endpoints.Proxy.Tests.Resolution;

public sealed class DestinationGuardTests
{
    private static readonly DestinationGuard Guard = new(
        [IPNetwork.Parse("10.200.0.0/16")],
        [new IPEndPoint(IPAddress.Parse("10.200.0.5"), 3128), new IPEndPoint(IPAddress.Any, 8443)],
        [IPAddress.Parse("10.200.0.5"), IPAddress.Parse("198.51.100.9")]);

    [Theory]
    [InlineData("52.216.8.1", 443, true)]
    [InlineData("2600:1f18::1", 443, true)]
    [InlineData("127.0.0.1", 443, false)]
    [InlineData("::1", 443, false)]
    [InlineData("169.254.169.254", 80, false)]
    [InlineData("fe80::1", 443, false)]
    [InlineData("10.1.1.1", 443, false)]
    [InlineData("172.16.5.5", 443, false)]
    [InlineData("192.168.0.1", 443, false)]
    [InlineData("100.64.0.1", 443, false)]
    [InlineData("fd00::1", 443, false)]
    [InlineData("224.0.0.1", 443, false)]
    [InlineData("0.0.0.0", 443, false)]
    [InlineData("::", 443, false)]
    [InlineData("::ffff:169.254.169.254", 80, false)]
    [InlineData("::ffff:127.0.0.1", 443, false)]
    [InlineData("64:ff9b::a9fe:a9fe", 80, false)]
    [InlineData("2002:a9fe:a9fe::1", 80, false)]
    [InlineData("64:ff9b::3418:801", 443, true)]
    [InlineData("10.200.3.4", 443, true)]
    [InlineData("10.200.0.5", 3128, false)]
    [InlineData("10.200.0.5", 443, true)]
    [InlineData("198.51.100.9", 443, false)]
    [InlineData("198.51.100.9", 8443, false)]
    [InlineData("64:ff9b:1::a9fe:a9fe", 80, false)]
    [InlineData("64:ff9b:1:a9fe:a9:fe00::", 80, false)]
    [InlineData("::ffff:0:a9fe:a9fe", 80, false)]
    [InlineData("::ffff:0:a00:1", 443, false)]
    [InlineData("::ffff:0:3418:801", 443, true)]
    public void RefusesWhatTheProxyMustNotReach(string address, int port, bool allowed)
    {
        var decision = Guard.Check(IPAddress.Parse(address), port);

        Assert.True(allowed == decision.Allowed, decision.Reason);
    }

    /// <summary>0.0.0.0 and :: connect to this host; an --allow-range that covers them must not let them through.</summary>
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("::")]
    public void RefusesUnspecifiedAddressesEvenWhenAnAllowRangeCoversThem(string address)
    {
        var guard = new DestinationGuard([IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("::/0")], [new IPEndPoint(IPAddress.Any, 3128)], []);

        var decision = guard.Check(IPAddress.Parse(address), 3128);
        var otherPort = guard.Check(IPAddress.Parse(address), 9);

        Assert.False(decision.Allowed, decision.Reason);
        Assert.False(otherPort.Allowed, otherPort.Reason);
    }
}
