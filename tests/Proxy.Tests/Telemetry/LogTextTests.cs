using Endpoints.Common.Text;

namespace Endpoints.Proxy.Tests.Telemetry;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("mybucket.s3.amazonaws.com", "mybucket.s3.amazonaws.com")]
    [InlineData("[2001:db8::1]", "[2001:db8::1]")]
    [InlineData("evil.example decision=allow rule=corp", "\"evil.example decision=allow rule=corp\"")]
    [InlineData("vpce-0abc\u001b[31m", "\"vpce-0abc\\x1b[31m\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("bücher.example", "\"b\\u00fccher.example\"")]
    [InlineData("line\nbreak", "\"line\\x0abreak\"")]
    [InlineData("", "\"\"")]
    public void AClientValueCannotForgeAField(string value, string logged) => Assert.Equal(logged, LogText.Field(value));

    [Fact]
    public void EscapeLeavesPlainTextAlone() => Assert.Equal("no rule matched (default deny)", LogText.Escape("no rule matched (default deny)"));

    [Theory]
    [InlineData("zones/a.zone:5: unknown RR type 'X'", "zones/a.zone:5: unknown RR type 'X'")]
    [InlineData("bad \u001b[2J\u0000 \u0085 bücher \"q\"", "bad \\x1b[2J\\x00 \\x85 bücher \"q\"")]
    public void PrintableEscapesOnlyControlCharacters(string value, string logged) => Assert.Equal(logged, LogText.Printable(value));
}
