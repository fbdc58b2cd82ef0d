using Endpoints.DnsOverride.Forwarding;
using Endpoints.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>RFC 9520's hold on a failed question, with a fake clock: 5 s, case-insensitive on the name, exact on the type.</summary>
public sealed class TimedOutQuestionsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AQuestionIsHeldForFiveSeconds()
    {
        var held = new TimedOutQuestions(_time);
        held.Add(Question("dead.example.org.", 1));

        Assert.True(held.Contains(Question("DEAD.example.ORG.", 1)));
        Assert.False(held.Contains(Question("dead.example.org.", 28)));
        Assert.False(held.Contains(Question("other.example.org.", 1)));

        _time.Advance(TimedOutQuestions.Hold - TimeSpan.FromMilliseconds(1));
        Assert.True(held.Contains(Question("dead.example.org.", 1)));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(held.Contains(Question("dead.example.org.", 1)));
    }

    [Fact]
    public void TypeBytesThatLookLikeLettersAreNotFolded()
    {
        var held = new TimedOutQuestions(_time);

        // Type 65 (HTTPS) is 'A' on the wire; type 97 would be 'a'.
        held.Add(Question("x.example.org.", 65));

        Assert.False(held.Contains(Question("x.example.org.", 97)));
        Assert.True(held.Contains(Question("x.example.org.", 65)));
    }

    private static byte[] Question(string name, ushort type)
    {
        var query = DnsWire.BuildQuery(name, type, ednsPayload: null);
        return query[12..];
    }
}
