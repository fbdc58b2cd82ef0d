using System.Net;
using Endpoints.Proxy.Resolution;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.Proxy.Tests.Resolution;

public sealed class ResolvedNamesTests
{
    private static readonly IReadOnlyList<IPAddress> Addresses = [IPAddress.Parse("52.216.1.2"), IPAddress.Parse("52.216.1.3")];

    [Fact]
    public void ANameIsKeptForItsRecordsTtlThenAskedAgain()
    {
        var time = new FakeTimeProvider();
        var names = new ResolvedNames(time);

        names.Add("mybucket.s3.amazonaws.com", Addresses, TimeSpan.FromSeconds(60));
        var fresh = names.TryGet("MyBucket.S3.amazonaws.com", out var found);
        time.Advance(TimeSpan.FromSeconds(61));
        var expired = names.TryGet("mybucket.s3.amazonaws.com", out _);

        Assert.True(fresh);
        Assert.Equal(Addresses, found);
        Assert.False(expired);
    }

    [Fact]
    public void ALongTtlIsCappedAndAZeroTtlIsNotKept()
    {
        var time = new FakeTimeProvider();
        var names = new ResolvedNames(time);

        names.Add("long.example", Addresses, TimeSpan.FromDays(1));
        names.Add("zero.example", Addresses, TimeSpan.Zero);
        time.Advance(ResolvedNames.MaxTtl + TimeSpan.FromSeconds(1));

        Assert.False(names.TryGet("long.example", out _));
        Assert.False(names.TryGet("zero.example", out _));
    }

    [Fact]
    public void AFullCacheStartsAfreshInsteadOfGrowing()
    {
        var names = new ResolvedNames(new FakeTimeProvider(), capacity: 2);

        names.Add("a.example", Addresses, TimeSpan.FromMinutes(1));
        names.Add("b.example", Addresses, TimeSpan.FromMinutes(1));
        names.Add("c.example", Addresses, TimeSpan.FromMinutes(1));

        Assert.False(names.TryGet("a.example", out _));
        Assert.True(names.TryGet("c.example", out _));
    }
}
