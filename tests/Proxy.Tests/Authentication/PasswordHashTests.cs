using System.Text;
using Endpoints.Proxy.Authentication;

namespace Endpoints.Proxy.Tests.Authentication;

public sealed class PasswordHashTests
{
    [Fact]
    public void AHashVerifiesItsPasswordOnlyAndTwoHashesOfOnePasswordDiffer()
    {
        var text = PasswordHash.Create("s3cret pass");
        Assert.True(PasswordHash.TryParse(text, out var hash, out var error), error);

        Assert.StartsWith("$pbkdf2-sha256$600000$", text, StringComparison.Ordinal);
        Assert.True(hash!.Verify(Encoding.UTF8.GetBytes("s3cret pass")));
        Assert.False(hash.Verify(Encoding.UTF8.GetBytes("s3cret pas")));
        Assert.NotEqual(text, PasswordHash.Create("s3cret pass"));
    }

    [Theory]
    [InlineData("hunter2", "plaintext is never accepted")]
    [InlineData("$2b$12$abcdefghijklmnopqrstuu", "not a $pbkdf2-sha256$ hash")]
    [InlineData("$pbkdf2-sha256$1000$c2FsdHNhbHQ$5RWo4bGyX2dlctCbHpaGNo0fXLEL4fDGhJh3t5OMqcE", "1000 iterations is too few (at least 600000)")]
    [InlineData("$pbkdf2-sha256$600000$c2FsdHNhbHQ", "expected $pbkdf2-sha256$ITERATIONS$SALT$HASH")]
    [InlineData("$pbkdf2-sha256$lots$c2FsdHNhbHQ$5RWo4bGyX2dlctCbHpaGNo0fXLEL4fDGhJh3t5OMqcE", "expected $pbkdf2-sha256$ITERATIONS$SALT$HASH")]
    [InlineData("$pbkdf2-sha256$600000$c2FsdHNhbHQ$c2hvcnQ", "the hash 32 bytes")]
    [InlineData("$pbkdf2-sha256$600000$!!!$5RWo4bGyX2dlctCbHpaGNo0fXLEL4fDGhJh3t5OMqcE", "in base64")]
    public void RefusesWhatIsNotASlowEnoughHash(string text, string message)
    {
        Assert.False(PasswordHash.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
