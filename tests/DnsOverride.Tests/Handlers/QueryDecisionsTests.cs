using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Handlers;

namespace Endpoints.DnsOverride.Tests.Handlers;

public sealed class QueryDecisionsTests
{
    [Theory]
    [InlineData(QueryDecision.Authoritative, ForwardStatus.Answered, "authoritative")]
    [InlineData(QueryDecision.Forwarded, ForwardStatus.Answered, "forwarded")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.Timeout, "forward-timeout")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.Refused, "forward-refused")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.Malformed, "forward-malformed")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.NoUpstream, "forward-no-upstream")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.TcpFailed, "forward-tcp-failed")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.Overload, "overload")]
    [InlineData(QueryDecision.ChaseFailed, ForwardStatus.Timeout, "chase-timeout")]
    [InlineData(QueryDecision.ChaseFailed, ForwardStatus.Overload, "overload")]
    [InlineData(QueryDecision.RefusedTransfer, ForwardStatus.Answered, "refused-transfer")]
    [InlineData(QueryDecision.NotRecursive, ForwardStatus.Answered, "not-recursive")]
    [InlineData(QueryDecision.ForwardFailed, ForwardStatus.RecentTimeout, "forward-recent-timeout")]
    public void EachDecisionHasOneWord(QueryDecision decision, ForwardStatus status, string word) =>
        Assert.Equal(word, QueryDecisions.Word(decision, status));

    [Fact]
    public void EveryDecisionAndStatusIsNamed()
    {
        foreach (var decision in Enum.GetValues<QueryDecision>().Where(d => d != QueryDecision.None))
        {
            Assert.NotEqual("-", QueryDecisions.Word(decision, ForwardStatus.Timeout));
        }

        Assert.Equal(Enum.GetValues<ForwardStatus>().Length, Enum.GetValues<ForwardStatus>().Select(s => s.Word()).Distinct().Count());
    }
}
