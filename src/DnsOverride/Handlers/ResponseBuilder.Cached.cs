using Endpoints.DnsOverride.Caching;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>Answers from the cache of forwarded answers, and those whose upstream chain ends in our zones.</summary>
internal static partial class ResponseBuilder
{
    /// <summary>
    /// A forwarded answer from <see cref="CachedAnswer"/>: its records as the upstream sent them after the client's
    /// own question, TTLs counted down (or 30 when <paramref name="stale"/>, with Extended DNS Error 3 for EDNS
    /// clients, RFC 8767). Too big for the client: TC and no records, as for any answer.
    /// </summary>
    public static void WriteCached(QueryContext context, CachedAnswer answer, TimeSpan age, bool stale)
    {
        if (!TryWriteCached(context, answer, age, stale, answer.Rcode, out var writer))
        {
            return;
        }

        var query = context.Query;
        var authenticData = answer.AuthenticData && (query.DnssecOk || (query.Flags & DnsFlags.AuthenticData) != 0);
        context.Rcode = answer.Rcode;
        Finish(ref writer, context, answer.Rcode, authoritative: false, answer.AnswerCount, answer.AuthorityCount, 0, stale, authenticData);
    }

    /// <summary>
    /// A cached upstream chain cut where it entered our zones (<see cref="CachedAnswer.EntersAt"/>), then our own answer
    /// for that name: its records, or our SOA and rcode when we say the name or its data does not exist.
    /// </summary>
    public static void WriteCachedThenZone(QueryContext context, CachedAnswer answer, TimeSpan age, bool stale, ref LookupResult result, string entersAt)
    {
        if (!TryWriteCached(context, answer, age, stale, ResponseCode.NoError, out var writer))
        {
            return;
        }

        var query = context.Query;
        var answers = answer.AnswerCount;
        ushort authority = 0;
        var rcode = WriteZoneTail(ref writer, context, ref result, entersAt, ref answers, ref authority);
        if (writer.Overflowed)
        {
            writer.Rewind(query.QuestionEnd);
            answers = authority = 0;
            context.Query.Flags |= DnsFlags.Truncated;
        }

        context.Rcode = rcode;
        Finish(ref writer, context, rcode, authoritative: false, answers, authority, 0, stale);
    }

    /// <summary>
    /// The cached message, with the client's question and ID, at the start of the response; false when it does not
    /// fit the client (then TC with <paramref name="rcodeWhenTooBig"/> and no records is written).
    /// </summary>
    private static bool TryWriteCached(QueryContext context, CachedAnswer answer, TimeSpan age, bool stale, int rcodeWhenTooBig, out MessageWriter writer)
    {
        var query = context.Query;
        var room = context.MaxResponseSize - (query.HasEdns ? OptLength + (stale ? EdeLength : 0) : 0);
        if (answer.MessageLength > room)
        {
            writer = default;
            context.Query.Flags |= DnsFlags.Truncated;
            WriteError(context, rcodeWhenTooBig);
            return false;
        }

        var question = context.Request.AsSpan(DnsFlags.HeaderLength, query.QuestionEnd - DnsFlags.HeaderLength);
        writer = new MessageWriter(context.Response, room, answer.WriteTo(context.Response, question, age, stale));
        writer.PatchUInt16(0, query.Id);
        return true;
    }

    /// <summary>
    /// Our answer for <paramref name="entersAt"/>, where an upstream chain entered our zones: its records (owners of the
    /// lookup's first step are that name), or our SOA when we deny the name or its data. Returns the rcode it makes.
    /// </summary>
    private static int WriteZoneTail(ref MessageWriter writer, QueryContext context, ref LookupResult result, string entersAt, ref ushort answers, ref ushort authority)
    {
        for (var i = 0; i < result.AnswerCount; i++)
        {
            answers += WriteSet(ref writer, context, result.Answers[i].Owner?.Key ?? entersAt, result.Answers[i].Set);
        }

        if (result.Outcome is LookupOutcome.NoData or LookupOutcome.NameError && result.Zone is { } zone)
        {
            authority += WriteSet(ref writer, context, zone.Origin.Key, zone.NegativeSoa);
        }

        return result.Outcome == LookupOutcome.NameError ? ResponseCode.NXDomain : ResponseCode.NoError;
    }
}
