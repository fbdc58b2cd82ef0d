using System.Formats.Asn1;
using Endpoints.Proxy.Authentication;

namespace Endpoints.Proxy.Tests.Authentication;

/// <summary>
/// Which SPNEGO tokens are unwrapped here and which are left to MIT's SPNEGO, and the reply that completes the
/// exchange. The tokens are built as RFC 4178 lays them out; the real ones (MIT's, through .NET) are in
/// <see cref="ProxyAuthenticationTests"/>.
/// </summary>
public sealed class SpnegoTests
{
    private const string Kerberos = "1.2.840.113554.1.2.2";
    private const string MicrosoftKerberos = "1.2.840.48018.1.2.2";
    private const string Ntlm = "1.3.6.1.4.1.311.2.2.10";

    private static readonly byte[] ApReq = KerberosToken(Kerberos);

    [Fact]
    public void TheKerberosTokenOfAnInitPreferringKerberosIsUnwrapped()
    {
        var token = Init([Kerberos, Ntlm], ApReq);

        Assert.True(Spnego.TryReadKerberos(token, out var inner, out var microsoft));
        Assert.Equal(ApReq, token[inner]);
        Assert.False(microsoft);
    }

    [Fact]
    public void WindowsKerberosOidFirstIsUnwrappedAndEchoedInTheReply()
    {
        var token = Init([MicrosoftKerberos, Kerberos], ApReq, requestFlags: true);

        Assert.True(Spnego.TryReadKerberos(token, out var inner, out var microsoft));
        Assert.Equal(ApReq, token[inner]);
        Assert.True(microsoft);
        Assert.Equal(MicrosoftKerberos, SupportedMechanism(Spnego.Accepted(microsoft, [])));
    }

    public static TheoryData<string, byte[]> LeftToMit => new()
    {
        { "NTLM preferred", Init([Ntlm, Kerberos], ApReq) },
        { "no optimistic token", Init([Kerberos], null) },
        { "a mechListMIC to check", Init([Kerberos], ApReq, mic: [1, 2, 3]) },
        { "an NTLM message inside", Init([Kerberos], "NTLMSSP\0\u0001\0\0\0"u8.ToArray()) },
        { "another mechanism's framing inside", Init([Kerberos], KerberosToken(Ntlm)) },
        { "a raw Kerberos token", ApReq },
        { "a byte after the token", [.. Init([Kerberos], ApReq), 0] },
        { "a NegTokenResp", Spnego.Accepted(false, []) },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(LeftToMit))]
    public void AnyOtherTokenIsLeftToMitsSpnego(string why, byte[] token) => Assert.False(Spnego.TryReadKerberos(token, out _, out _), why);

    [Fact]
    public void EveryTruncationIsLeftToMitWithoutAnException()
    {
        var token = Init([Kerberos, Ntlm], ApReq, requestFlags: true);

        for (var length = 0; length < token.Length; length++)
        {
            Assert.False(Spnego.TryReadKerberos(token.AsSpan(0, length), out _, out _), $"{length} of {token.Length} bytes");
        }
    }

    [Fact]
    public void TheReplyWithoutAnApRepIsMitsByteForByte()
    {
        // What MIT's SPNEGO acceptor (krb5 1.20) answered a token without mutual authentication, in hex.
        Assert.Equal("a1143012a0030a0100a10b06092a864886f712010202", Convert.ToHexStringLower(Spnego.Accepted(false, [])));
    }

    [Fact]
    public void TheReplyCarriesKerberosApRepAsItsResponseToken()
    {
        var apRep = KerberosToken(Kerberos);

        var reply = Spnego.Accepted(false, apRep);

        var (state, mechanism, response) = Read(reply);
        Assert.Equal(0, state);
        Assert.Equal(Kerberos, mechanism);
        Assert.Equal(apRep, response);
    }

    private static string SupportedMechanism(byte[] reply) => Read(reply).Mechanism;

    private static (int State, string Mechanism, byte[]? Response) Read(byte[] reply)
    {
        var outer = new AsnReader(reply, AsnEncodingRules.DER).ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
        var fields = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var state = fields.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadEnumeratedBytes().ToArray();
        var mechanism = fields.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1)).ReadObjectIdentifier();
        var response = fields.HasData ? fields.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2)).ReadOctetString() : null;
        fields.ThrowIfNotEmpty();
        return (state.Single(), mechanism, response);
    }

    /// <summary>
    /// A GSS token of <paramref name="mechanism"/> (RFC 2743 3.1): [APPLICATION 0] with the OID, then Kerberos'
    /// token ID and bytes that stand for the AP-REQ (RFC 4121 4.1), which are not one ASN.1 value.
    /// </summary>
    private static byte[] KerberosToken(string mechanism)
    {
        var oid = new AsnWriter(AsnEncodingRules.DER);
        oid.WriteObjectIdentifier(mechanism);
        byte[] content = [.. oid.Encode(), 0x01, 0x00, 0x6E, 0x03, 0x02, 0x01, 0x05];
        return [0x60, (byte)content.Length, .. content];
    }

    /// <summary>An initiator's first SPNEGO token (RFC 4178 4.2.1), framed as RFC 2743 3.1 has it.</summary>
    private static byte[] Init(string[] mechanisms, byte[]? mechToken, bool requestFlags = false, byte[]? mic = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.Application, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier("1.3.6.1.5.5.2");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                using (writer.PushSequence())
                {
                    foreach (var mechanism in mechanisms)
                    {
                        writer.WriteObjectIdentifier(mechanism);
                    }
                }

                if (requestFlags)
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    {
                        writer.WriteBitString([0x60], unusedBitCount: 1);
                    }
                }

                if (mechToken is not null)
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
                    {
                        writer.WriteOctetString(mechToken);
                    }
                }

                if (mic is not null)
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                    {
                        writer.WriteOctetString(mic);
                    }
                }
            }
        }

        return writer.Encode();
    }
}
