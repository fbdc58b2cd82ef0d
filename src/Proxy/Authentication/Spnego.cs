using System.Formats.Asn1;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// The one SPNEGO exchange (RFC 4178) a Kerberos client of the proxy makes: a <c>NegTokenInit</c> whose preferred
/// mechanism is Kerberos, carrying its AP-REQ as the optimistic token, answered by a <c>NegTokenResp</c> that says
/// accept-completed. Read here, the Kerberos token goes to MIT's krb5 mechanism directly: MIT's SPNEGO layer costs
/// about 4.4 us of a 42 us accept (bench/README.md). Anything else (another preferred mechanism, no optimistic token,
/// a mechListMIC to check, BER that is not DER) is left to MIT's SPNEGO, which answers it as before.
/// </summary>
internal static class Spnego
{
    // DER of the OIDs: SPNEGO 1.3.6.1.5.5.2, Kerberos 1.2.840.113554.1.2.2, and 1.2.840.48018.1.2.2, which Windows
    // clients list first for the same mechanism.
    private static readonly byte[] SpnegoOid = [0x06, 0x06, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x02];
    private static readonly byte[] KerberosOid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x12, 0x01, 0x02, 0x02];
    private static readonly byte[] MicrosoftKerberosOid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x82, 0xF7, 0x12, 0x01, 0x02, 0x02];

    // negState ENUMERATED: accept-completed (0).
    private static readonly byte[] AcceptCompleted = [0x0A, 0x01, 0x00];

    private static readonly byte[] Completed = Response(KerberosOid, []);
    private static readonly byte[] MicrosoftCompleted = Response(MicrosoftKerberosOid, []);

    /// <summary>
    /// The Kerberos token inside <paramref name="token"/> when it is a DER <c>NegTokenInit</c> preferring Kerberos,
    /// with no mechListMIC; <paramref name="microsoft"/> says which of Kerberos' two OIDs the client listed first.
    /// </summary>
    public static bool TryReadKerberos(ReadOnlySpan<byte> token, out Range kerberos, out bool microsoft)
    {
        kerberos = default;
        microsoft = false;
        try
        {
            // InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE { thisMech, innerContextToken }
            var at = Enter(token, 0, token.Length, new Asn1Tag(TagClass.Application, 0, isConstructed: true), out var end);
            if (end != token.Length || !token[Next(token, ref at, end)].SequenceEqual(SpnegoOid))
            {
                return false;
            }

            // NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, ... }, NegTokenInit ::= SEQUENCE { ... }
            at = Enter(token, at, end, new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true), out end);
            at = Enter(token, at, end, Asn1Tag.Sequence, out end);
            var preferred = default(Range);
            while (at < end)
            {
                var tag = Asn1Tag.Decode(token[at..end], out _);
                var field = Enter(token, at, end, tag, out var fieldEnd);
                switch (tag.TagClass == TagClass.ContextSpecific ? tag.TagValue : -1)
                {
                    case 0: // mechTypes: SEQUENCE OF OID, the preferred first
                        var list = Enter(token, field, fieldEnd, Asn1Tag.Sequence, out var listEnd);
                        preferred = Next(token, ref list, listEnd);
                        break;
                    case 1: // reqFlags: advisory, and MIT's SPNEGO ignores them too
                        break;
                    case 2: // mechToken: OCTET STRING
                        var value = Enter(token, field, fieldEnd, Asn1Tag.PrimitiveOctetString, out var valueEnd);
                        kerberos = value..valueEnd;
                        break;
                    default: // mechListMIC, or a field this exchange does not have
                        return false;
                }

                at = fieldEnd;
            }

            microsoft = token[preferred].SequenceEqual(MicrosoftKerberosOid);
            return (microsoft || token[preferred].SequenceEqual(KerberosOid)) && IsKerberos(token[kerberos]);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>The <c>NegTokenResp</c> that completes the exchange, with Kerberos' own reply (its AP-REP) when it has one.</summary>
    public static byte[] Accepted(bool microsoft, ReadOnlySpan<byte> reply) =>
        reply.IsEmpty ? microsoft ? MicrosoftCompleted : Completed : Response(microsoft ? MicrosoftKerberosOid : KerberosOid, reply);

    // NegotiationToken [1] NegTokenResp ::= SEQUENCE { negState [0] accept-completed, supportedMech [1], responseToken [2] }
    private static byte[] Response(byte[] mechanism, ReadOnlySpan<byte> reply)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteEncodedValue(AcceptCompleted);
            }

            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
            {
                writer.WriteEncodedValue(mechanism);
            }

            if (!reply.IsEmpty)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
                {
                    writer.WriteOctetString(reply);
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>A Kerberos GSS token (RFC 4121 4.1): [APPLICATION 0] framing with Kerberos' OID first.</summary>
    private static bool IsKerberos(ReadOnlySpan<byte> token)
    {
        var at = Enter(token, 0, token.Length, new Asn1Tag(TagClass.Application, 0, isConstructed: true), out var end);
        return token[Next(token, ref at, end)].SequenceEqual(KerberosOid);
    }

    /// <summary>
    /// Where the content of the value at <paramref name="at"/> starts (and, in <paramref name="end"/>, ends); it must
    /// have <paramref name="tag"/> and lie within <paramref name="limit"/>, its parent's end.
    /// </summary>
    private static int Enter(ReadOnlySpan<byte> token, int at, int limit, Asn1Tag tag, out int end)
    {
        if (!AsnDecoder.TryReadEncodedValue(token[at..limit], AsnEncodingRules.DER, out var found, out var offset, out var length, out _) || found != tag)
        {
            throw new AsnContentException();
        }

        end = at + offset + length;
        return at + offset;
    }

    /// <summary>The whole encoding of the value at <paramref name="at"/>, within <paramref name="limit"/>; <paramref name="at"/> moves past it.</summary>
    private static Range Next(ReadOnlySpan<byte> token, ref int at, int limit)
    {
        if (!AsnDecoder.TryReadEncodedValue(token[at..limit], AsnEncodingRules.DER, out _, out _, out _, out var consumed))
        {
            throw new AsnContentException();
        }

        var value = at..(at + consumed);
        at += consumed;
        return value;
    }
}
