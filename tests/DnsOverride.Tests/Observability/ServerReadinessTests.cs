using System.Net;
using Endpoints.DnsOverride.Observability;
using Endpoints.DnsOverride.Tests.Handlers;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Observability;

/// <summary>
/// Ready means the UDP path answers too: a load balancer checks /readyz over HTTP and UDP has no passive checks, so
/// readiness lapses when the server's own UDP query has gone unanswered for three rounds.
/// </summary>
public sealed class ServerReadinessTests
{
    [Fact]
    public void ReadyOnlyWhileItsOwnUdpQueryIsAnswered()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        var time = new FakeTimeProvider();
        using var dns = InProcessDns.Start(new Dictionary<string, string?> { ["DnsOverride:Zones"] = zones.Path }, time);
        var readiness = dns.Get<ServerReadiness>();
        readiness.Listening([new IPEndPoint(IPAddress.Loopback, 53)]);

        Assert.Equal((false, "no answer to its own UDP query"), (readiness.IsReady, readiness.State));
        readiness.SelfQueryAnsweredNow();
        Assert.Equal((true, "ready"), (readiness.IsReady, readiness.State));

        time.Advance(ServerReadiness.SelfQueryStale - TimeSpan.FromMilliseconds(1));
        Assert.True(readiness.IsReady);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal((false, "no answer to its own UDP query"), (readiness.IsReady, readiness.State));
    }
}
