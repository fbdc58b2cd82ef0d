using System.Net;
using Endpoints.DnsOverride.Handlers;

namespace Endpoints.DnsOverride.Tests.Handlers;

public sealed class AddressAclTests
{
    private static readonly AddressAcl Acl = new(new[] { "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "fc00::/7", "::1/128" }.Select(c => IPNetwork.Parse(c)));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.200.3.4", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::1", true)]
    [InlineData("fd00::5", true)]
    [InlineData("2001:db8::1", false)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    public void MatchesAddressesAndSocketAddresses(string address, bool expected)
    {
        var ip = IPAddress.Parse(address);

        Assert.Equal(expected, Acl.Contains(ip));
        Assert.Equal(expected, Acl.Contains(new IPEndPoint(ip, 5353).Serialize()));
    }
}
