using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// Turns a <see cref="LookupResult"/> or an error into wire bytes in the context's response buffer. Owner names
/// that are the question name, or a suffix of it, are written as pointers into the echoed question.
/// </summary>
internal static partial class ResponseBuilder
{
    private const int OptLength = 11;

    /// <summary>An Extended DNS Error option (RFC 8914): code, length and INFO-CODE, no text.</summary>
    private const int EdeLength = 6;
    private const ushort EdeOption = 15;
    private const ushort EdeStaleAnswer = 3;

    public static void WriteAnswer(QueryContext context, ref LookupResult result)
    {
        var writer = Begin(context, out var sectionsStart);
        var rcode = result.Outcome == LookupOutcome.NameError ? ResponseCode.NXDomain : ResponseCode.NoError;
        var authoritative = result.Outcome != LookupOutcome.Delegation || result.AnswerCount > 0;
        ushort answers = 0, authority = 0, additional = 0;

        for (var i = 0; i < result.AnswerCount; i++)
        {
            answers += WriteSet(ref writer, context, result.Answers[i].Owner?.Key, result.Answers[i].Set);
        }

        switch (result.Outcome)
        {
            case LookupOutcome.NoData or LookupOutcome.NameError when result.Zone is { } zone:
                authority += WriteSet(ref writer, context, zone.Origin.Key, rcode == ResponseCode.NXDomain && context.Query.QType == RecordType.SOA ? zone.ZeroTtlSoa : zone.NegativeSoa);
                break;
            case LookupOutcome.Answer when result.Zone is { } zone && result.Answers[result.AnswerCount - 1].Set.Type == RecordType.NS:
                foreach (var (owner, addresses) in zone.NameServerAddresses)
                {
                    additional += WriteSet(ref writer, context, owner.Key, addresses);
                }

                break;
            case LookupOutcome.Delegation when result.Referral is { } referral:
                authority += WriteSet(ref writer, context, referral.Owner.Key, referral.NameServers);
                foreach (var (owner, addresses) in referral.Glue)
                {
                    additional += WriteSet(ref writer, context, owner.Key, addresses);
                }

                break;
        }

        if (writer.Overflowed)
        {
            writer.Rewind(sectionsStart);
            answers = authority = additional = 0;
            context.Query.Flags |= DnsFlags.Truncated;
        }

        context.Rcode = rcode;
        Finish(ref writer, context, rcode, authoritative, answers, authority, additional);
    }

    /// <summary>
    /// Appends records copied from an upstream answer after a CNAME chain that left our zones; when the upstream's
    /// chain came back into our zones (cut there, <paramref name="back"/> holds our answer for the name it entered at
    /// <paramref name="entersAt"/>), our records follow.
    /// </summary>
    public static void WriteChasedAnswer(QueryContext context, ref LookupResult result, ReadOnlySpan<byte> upstream, ref LookupResult back, string? entersAt)
    {
        var writer = Begin(context, out var sectionsStart);
        ushort answers = 0;
        for (var i = 0; i < result.AnswerCount; i++)
        {
            answers += WriteSet(ref writer, context, result.Answers[i].Owner?.Key, result.Answers[i].Set);
        }

        var copied = MessageReader.CopyAnswers(upstream, ref writer);
        var rcode = upstream[3] & DnsFlags.RcodeMask;
        if (copied < 0)
        {
            WriteError(context, ResponseCode.ServFail);
            return;
        }

        answers += (ushort)copied;
        ushort authority = 0;
        if (entersAt is not null)
        {
            rcode = WriteZoneTail(ref writer, context, ref back, entersAt, ref answers, ref authority);
        }

        if (writer.Overflowed)
        {
            writer.Rewind(sectionsStart);
            answers = authority = 0;
            context.Query.Flags |= DnsFlags.Truncated;
        }

        context.Rcode = rcode;
        Finish(ref writer, context, rcode, authoritative: false, answers, authority, 0);
    }

    /// <summary>An RD=0 query for a name outside our zones, with nothing cached: a referral to the root (as BIND answers).</summary>
    public static void WriteRootReferral(QueryContext context)
    {
        // Every root referral is the same answer: one rate-limit account, whatever the name.
        context.RateLimitSubject = RootHints.NameServers;
        var writer = Begin(context, out var sectionsStart);
        var authority = WriteSet(ref writer, context, string.Empty, RootHints.NameServers);
        if (writer.Overflowed)
        {
            writer.Rewind(sectionsStart);
            authority = 0;
            context.Query.Flags |= DnsFlags.Truncated;
        }

        context.Rcode = ResponseCode.NoError;
        Finish(ref writer, context, ResponseCode.NoError, authoritative: false, 0, authority, 0);
    }

    /// <summary>An answer with no records: errors (FORMERR, REFUSED, SERVFAIL...), echoing the question when it parsed.</summary>
    public static void WriteError(QueryContext context, int rcode)
    {
        context.Rcode = rcode;
        var withQuestion = context.ParseStatus is QueryParseStatus.Ok or QueryParseStatus.BadVers;
        var writer = new MessageWriter(context.Response, context.MaxResponseSize);
        writer.WriteBytes(context.Request.AsSpan(0, withQuestion ? context.Query.QuestionEnd : DnsFlags.HeaderLength));
        writer.PatchUInt16(4, (ushort)(withQuestion ? 1 : 0));
        Finish(ref writer, context, rcode, authoritative: false, 0, 0, 0);
    }

    private static MessageWriter Begin(QueryContext context, out int sectionsStart)
    {
        var writer = new MessageWriter(context.Response, context.MaxResponseSize);
        writer.WriteBytes(context.Request.AsSpan(0, context.Query.QuestionEnd));
        sectionsStart = writer.Position;

        // Keep room for the OPT record so that truncation, not a missing OPT, is what a small buffer causes.
        if (context.Query.HasEdns)
        {
            writer.Limit -= OptLength;
        }

        return writer;
    }

    private static void Finish(
        ref MessageWriter writer, QueryContext context, int rcode, bool authoritative, ushort answers, ushort authority, ushort additional,
        bool staleAnswer = false, bool authenticData = false)
    {
        var query = context.Query;
        if (query.HasEdns && context.ParseStatus != QueryParseStatus.FormErr)
        {
            writer.Limit += OptLength + (staleAnswer ? EdeLength : 0);
            writer.WriteBytes([0]);
            writer.WriteUInt16(RecordType.OPT);
            writer.WriteUInt16((ushort)context.UdpPayloadLimit);
            writer.WriteUInt32((uint)((rcode >> 4) << 24) | (query.DnssecOk ? 0x8000u : 0u));
            writer.WriteUInt16(staleAnswer ? (ushort)EdeLength : (ushort)0);
            if (staleAnswer)
            {
                writer.WriteUInt16(EdeOption);
                writer.WriteUInt16(2);
                writer.WriteUInt16(EdeStaleAnswer);
            }

            additional++;
        }

        var flags = (ushort)(DnsFlags.Response | (query.Flags & (DnsFlags.OpcodeMask | DnsFlags.RecursionDesired | DnsFlags.CheckingDisabled | DnsFlags.Truncated)) | (rcode & DnsFlags.RcodeMask));
        if (authoritative)
        {
            flags |= DnsFlags.Authoritative;
        }

        if (authenticData)
        {
            flags |= DnsFlags.AuthenticData;
        }

        if (context.RecursionAllowed)
        {
            flags |= DnsFlags.RecursionAvailable;
        }

        // AA, TC, RD, RA, AD and CD are QUERY's bits (RFC 1035 4.1.1, RFC 4035 3.2): another opcode gets QR and its own opcode only.
        if ((query.Flags & DnsFlags.OpcodeMask) != 0)
        {
            flags = (ushort)(DnsFlags.Response | (query.Flags & DnsFlags.OpcodeMask) | (rcode & DnsFlags.RcodeMask));
        }

        writer.PatchUInt16(2, flags);
        writer.PatchUInt16(6, answers);
        writer.PatchUInt16(8, authority);
        writer.PatchUInt16(10, additional);
        context.ResponseLength = writer.Position;
    }

    private static ushort WriteSet(ref MessageWriter writer, QueryContext context, string? owner, RecordSet set)
    {
        var encoded = set.Encoded.AsSpan();
        while (!encoded.IsEmpty)
        {
            WriteOwner(ref writer, context.QName, owner);
            var length = 10 + ((encoded[8] << 8) | encoded[9]);
            writer.WriteBytes(encoded[..length]);
            encoded = encoded[length..];
        }

        return (ushort)set.Count;
    }

    private static void WriteOwner(ref MessageWriter writer, ReadOnlySpan<char> qname, string? owner)
    {
        if (owner is null)
        {
            writer.WritePointer(DnsFlags.HeaderLength);
            return;
        }

        if (owner.Length == 0)
        {
            writer.WriteBytes([0]);
            return;
        }

        if (owner.Length <= qname.Length && DnsName.IsAtOrBelow(qname, owner))
        {
            writer.WritePointer(DnsFlags.HeaderLength + qname.Length - owner.Length);
            return;
        }

        writer.WriteNameKey(owner);
    }
}
