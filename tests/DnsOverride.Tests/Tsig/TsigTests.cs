using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Tsig;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Tsig;

/// <summary>Key files as BIND writes them, and MACs checked the way RFC 8945 orders the checks; no sockets.</summary>
public sealed class TsigTests
{
    private const string Secret = "irOKs6HZ/3PkQp/L6zpuN6feqMBf00GxF87ttSnLb44=";

    [Fact]
    public void ReadsTsigKeygenOutputWithComments()
    {
        var errors = new List<string>();
        var text = "# made by tsig-keygen\nkey \"xfr-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + Secret + "\"; // a//b\n};\n/* two\nlines */ key second { algorithm HMAC-SHA512; secret \"AAAA\"; };\n";

        var keys = TsigKeyFile.Parse(text, "keys.conf", errors);

        Assert.Empty(errors);
        Assert.Equal(["xfr-key.", "second."], keys.Select(k => k.Name.ToString()));
        Assert.Same(TsigAlgorithm.HmacSha512, keys[1].Algorithm);
        Assert.Equal(Convert.FromBase64String(Secret), keys[0].Secret);
    }

    [Theory]
    [InlineData("key a { algorithm hmac-md5; secret \"AAAA\"; };", "keys.conf:1: key 'a': algorithm 'hmac-md5' is not hmac-sha256 or hmac-sha512")]
    [InlineData("key a {\n algorithm hmac-sha256;\n secrte \"AAAA\";\n};", "keys.conf:3: key 'a': unknown clause 'secrte' (algorithm and secret are known)")]
    [InlineData("key a { algorithm hmac-sha256; secret \"not base64!\"; };", "keys.conf:1: key 'a': secret is not base64")]
    [InlineData("key a { algorithm hmac-sha256; };", "keys.conf:1: key 'a' needs both an algorithm and a secret")]

    // Found by bench/fuzz.sh (tsig-keys): an empty secret was taken, and an HMAC with an empty key anyone can compute.
    [InlineData("key a {\n algorithm hmac-sha256;\n secret \"\";\n};", "keys.conf:3: key 'a': secret is empty, so anyone could sign with it")]
    [InlineData("key a { algorithm hmac-sha256; secret \"AAAA\" }", "keys.conf:1: expected ';', found '}'")]
    [InlineData("options { };", "keys.conf:1: expected 'key', found 'options'")]
    public void ReportsWhatIsWrongWithFileAndLine(string text, string error)
    {
        var errors = new List<string>();

        TsigKeyFile.Parse(text, "keys.conf", errors);

        Assert.Contains(error, errors);
    }

    [Theory]
    [InlineData(0, TsigStatus.Valid)]
    [InlineData(300, TsigStatus.Valid)]
    [InlineData(301, TsigStatus.BadTime)]
    [InlineData(-301, TsigStatus.BadTime)]
    public void ChecksTheClockWithinTheFudge(long skew, TsigStatus expected)
    {
        var key = Key();
        var signed = Signed(key, time: 1_800_000_000);

        Assert.Equal(TsigStatus.Valid, TsigRecord.TryRead(signed, out var record));
        Assert.Equal(expected, TsigSigner.Verify(signed, record!, [key], 1_800_000_000 + skew, out _));
    }

    [Fact]
    public void AChangedByteOrAnotherSecretIsBadSigAndAnUnknownKeyBadKey()
    {
        var key = Key();
        var signed = Signed(key, time: 1_800_000_000);
        var tampered = signed.ToArray();
        tampered[13] ^= 0x20;
        TsigRecord.TryRead(signed, out var record);
        TsigRecord.TryRead(tampered, out var tamperedRecord);

        Assert.Equal(TsigStatus.BadSig, TsigSigner.Verify(tampered, tamperedRecord!, [key], 1_800_000_000, out _));
        Assert.Equal(TsigStatus.BadSig, TsigSigner.Verify(signed, record!, [key with { Secret = new byte[32] }], 1_800_000_000, out _));
        Assert.Equal(TsigStatus.BadKey, TsigSigner.Verify(signed, record!, [key with { Name = DnsName.Parse("other.") }], 1_800_000_000, out _));
        Assert.Equal(TsigStatus.BadKey, TsigSigner.Verify(signed, record!, [key with { Algorithm = TsigAlgorithm.HmacSha512 }], 1_800_000_000, out _));
    }

    [Fact]
    public void ARecordThatIsNotLastIsMalformed()
    {
        var signed = Signed(Key(), time: 1_800_000_000);
        var withExtra = signed.Concat(new byte[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0 }).ToArray();
        withExtra[11]++;

        Assert.Equal(TsigStatus.Malformed, TsigRecord.TryRead(withExtra, out _));
    }

    private static TsigKey Key() => new(DnsName.Parse("xfr-key."), TsigAlgorithm.HmacSha256, Convert.FromBase64String(Secret));

    private static byte[] Signed(TsigKey key, long time)
    {
        var query = DnsWire.BuildQuery("example.test", 6, ednsPayload: null);
        var buffer = new byte[512];
        query.CopyTo(buffer, 0);
        var length = TsigSigner.Sign(buffer, query.Length, key, [], timersOnly: false, time, TsigStatus.Valid, [], out _);
        return buffer[..length];
    }
}
