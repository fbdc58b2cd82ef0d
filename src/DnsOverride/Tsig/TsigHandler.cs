using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>
/// Second link: checks the TSIG of a signed query (RFC 8945 5.2). Valid: the query goes on, and its answer will be
/// signed. Otherwise NOTAUTH with the TSIG error: BADKEY and BADSIG unsigned, BADTIME signed with our time; a valid
/// request seen before (<see cref="TsigReplays"/>) is a replay, answered NOTAUTH with BADSIG unsigned.
/// Unsigned queries pass untouched.
/// </summary>
internal sealed class TsigHandler(IOptions<DnsOverrideOptions> options, TimeProvider time) : IQueryHandler
{
    private readonly TsigReplays _replays = new(time);

    private static readonly ValueTask<bool> Mine = new(true);
    private static readonly ValueTask<bool> Next = new(false);

    private readonly IReadOnlyList<TsigKey> _keys = options.Value.TsigKeyRing;

    public ValueTask<bool> TryServeAsync(QueryContext context, CancellationToken cancellationToken)
    {
        if (context.Query.TsigStart == 0)
        {
            return Next;
        }

        var message = context.Request.AsSpan(0, context.RequestLength);
        if (TsigRecord.TryRead(message, out var record) != TsigStatus.Valid || record is null)
        {
            context.Decision = QueryDecision.FormErr;
            ResponseBuilder.WriteError(context, ResponseCode.FormErr);
            return Mine;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var status = TsigSigner.Verify(message, record, _keys, now, out var key);
        var replayed = status == TsigStatus.Valid && !_replays.FirstTime(record.Mac, record.TimeSigned);
        if (status == TsigStatus.Valid && !replayed)
        {
            context.TsigKey = key;
            context.TsigMac = record.Mac;
            return Next;
        }

        status = replayed ? TsigStatus.BadSig : status;
        context.Decision = replayed ? QueryDecision.TsigReplay : status switch
        {
            TsigStatus.BadKey => QueryDecision.TsigBadKey,
            TsigStatus.BadTime => QueryDecision.TsigBadTime,
            _ => QueryDecision.TsigBadSig,
        };
        ResponseBuilder.WriteError(context, ResponseCode.NotAuth);
        context.ResponseLength = status == TsigStatus.BadTime
            ? TsigSigner.Sign(context.Response, context.ResponseLength, key!, record.Mac, timersOnly: false, now, status, TsigSigner.TimeData(now), out _)
            : TsigSigner.AppendUnsigned(context.Response, context.ResponseLength, record, status);
        return Mine;
    }

    /// <summary>Signs the answer to a signed query, after the chain and rate limiting; an answer the signature does not fit into goes out truncated.</summary>
    public void SignAnswer(QueryContext context)
    {
        if (context.TsigKey is not { } key || context.ResponseLength == 0)
        {
            return;
        }

        if (context.ResponseLength + TsigSigner.Room(key) > context.MaxResponseSize)
        {
            context.Query.Flags |= DnsFlags.Truncated;
            ResponseBuilder.WriteError(context, context.Rcode);
        }

        SignNext(context, key, following: false, time);
    }

    /// <summary>Signs the message in the context's buffer, chained to the previous MAC (RFC 8945 5.3.1 for the messages after the first).</summary>
    public static void SignNext(QueryContext context, TsigKey key, bool following, TimeProvider time)
    {
        context.ResponseLength = TsigSigner.Sign(
            context.Response, context.ResponseLength, key, context.TsigMac, timersOnly: following, time.GetUtcNow().ToUnixTimeSeconds(), TsigStatus.Valid, [], out var mac);
        context.TsigMac = mac;
    }
}
