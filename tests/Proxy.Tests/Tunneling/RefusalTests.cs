using Endpoints.Proxy.Tunneling;

namespace Endpoints.Proxy.Tests.Tunneling;

public sealed class RefusalTests
{
    [Theory]
    [InlineData(ConnectionOutcome.PolicyDenied, "deny", "refused", 403, Refusal.AlertAccessDenied)]
    [InlineData(ConnectionOutcome.GuardDenied, "deny", "refused", 403, Refusal.AlertAccessDenied)]
    [InlineData(ConnectionOutcome.NoServerName, "deny", "refused", 0, Refusal.AlertUnrecognizedName)]
    [InlineData(ConnectionOutcome.NotTls, "error", "refused", 0, 0)]
    [InlineData(ConnectionOutcome.SniMismatch, "deny", "sni-mismatch", 0, Refusal.AlertAccessDenied)]
    [InlineData(ConnectionOutcome.SniInvalid, "deny", "sni-invalid", 0, Refusal.AlertAccessDenied)]
    [InlineData(ConnectionOutcome.TunnelNotTls, "deny", "not-tls", 0, 0)]
    [InlineData(ConnectionOutcome.MethodNotAllowed, "error", "refused", 405, 0)]
    [InlineData(ConnectionOutcome.HeadTooLarge, "error", "refused", 431, 0)]
    [InlineData(ConnectionOutcome.HandshakeTimeout, "timeout", "handshake timeout", 408, 0)]
    [InlineData(ConnectionOutcome.ResolveFailed, "allow", "resolution failed", 502, Refusal.AlertInternalError)]
    [InlineData(ConnectionOutcome.ConnectFailed, "allow", "connect failed", 502, Refusal.AlertInternalError)]
    [InlineData(ConnectionOutcome.ConnectTimeout, "allow", "connect timeout", 504, Refusal.AlertInternalError)]
    [InlineData(ConnectionOutcome.Overloaded, "error", "overloaded", 503, 0)]
    [InlineData(ConnectionOutcome.BadProxyHeader, "error", "bad PROXY header", 0, 0)]
    [InlineData(ConnectionOutcome.AuthenticationRequired, "deny", "refused", 407, Refusal.AlertAccessDenied)]
    [InlineData(ConnectionOutcome.AuthenticationFailed, "deny", "refused", 407, Refusal.AlertAccessDenied)]
    [InlineData(ConnectionOutcome.AuthenticationRateLimited, "deny", "refused", 429, Refusal.AlertAccessDenied)]
    public void EachOutcomeHasOneRow(ConnectionOutcome outcome, string decision, string end, int status, byte alert)
    {
        var words = Refusal.Of(outcome);

        Assert.Equal((decision, end, status, alert), (words.Decision, words.End, words.Status, words.Alert));
    }

    [Fact]
    public void EveryOutcomeHasARow()
    {
        foreach (var outcome in Enum.GetValues<ConnectionOutcome>().Where(o => o != ConnectionOutcome.Unexpected))
        {
            Assert.NotEqual("unexpected error", Refusal.Of(outcome).End);
        }
    }
}
