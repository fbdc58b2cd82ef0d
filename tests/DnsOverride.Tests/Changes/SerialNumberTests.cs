using Endpoints.DnsOverride.Changes;

namespace Endpoints.DnsOverride.Tests.Changes;

public sealed class SerialNumberTests
{
    [Theory]
    [InlineData(2u, 1u, true)]
    [InlineData(1u, 1u, false)]
    [InlineData(1u, 2u, false)]
    [InlineData(0u, 4294967295u, true)]
    [InlineData(0x7FFF_FFFFu, 0u, true)]
    [InlineData(0x8000_0000u, 0u, false)]
    public void ComparesInSerialArithmetic(uint next, uint previous, bool after) =>
        Assert.Equal(after, SerialNumber.IsAfter(next, previous));

    [Theory]
    [InlineData(2026112501u, 2026112600u)]
    [InlineData(2026112600u, 2026112601u)]
    [InlineData(2026113001u, 2026113002u)]
    [InlineData(2026113299u, 2026113300u)]
    [InlineData(41u, 42u)]
    public void SuggestsTodayInDateFormElsePlusOne(uint previous, uint suggested) =>
        Assert.Equal(suggested, SerialNumber.Suggest(previous, new DateOnly(2026, 11, 26)));
}
