using System.Buffers;
using System.Buffers.Binary;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Caching;

/// <summary>
/// One upstream answer as the cache keeps it: the message from its header through the answer section, and through
/// the authority section when that holds an SOA (a negative answer, RFC 2308); never the additional section.
/// The offsets of the kept records' TTLs follow the message in the same array, so serving it counts them down
/// with no parsing. Compression pointers all point backwards into what is kept, so the bytes are served as they
/// came, with the client's own question written over the upstream's (same length: the key ignores case only).
/// </summary>
internal sealed class CachedAnswer
{
    /// <summary>RFC 9520: a failure is remembered for 5 seconds at most.</summary>
    public const uint ServFailTtl = 5;

    /// <summary>The TTL of every record in a stale answer (RFC 8767 section 4).</summary>
    public const uint StaleTtl = 30;

    /// <summary>Object headers, fields and the dictionary node: what an entry costs beyond its bytes.</summary>
    private const int Overhead = 160;

    private readonly byte[] _data;
    private readonly int _recordCount;

    private CachedAnswer(byte[] data, int messageLength, int questionEnd, int recordCount, ushort answers, ushort authority, int rcode, bool authenticData, uint ttl, long storedAt)
    {
        _data = data;
        MessageLength = messageLength;
        QuestionEnd = questionEnd;
        _recordCount = recordCount;
        AnswerCount = answers;
        AuthorityCount = authority;
        Rcode = rcode;
        AuthenticData = authenticData;
        Ttl = ttl;
        StoredAt = storedAt;
    }

    public int MessageLength { get; }

    public int QuestionEnd { get; }

    public ushort AnswerCount { get; }

    public ushort AuthorityCount { get; }

    public int Rcode { get; }

    /// <summary>The upstream validated it (AD); passed on only to clients that ask with DO or AD (RFC 6840 5.7).</summary>
    public bool AuthenticData { get; }

    /// <summary>Seconds it stays fresh; 0 means it answers the queries that asked for it and is not kept.</summary>
    public uint Ttl { get; }

    /// <summary>When it arrived, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StoredAt { get; }

    /// <summary>A SERVFAIL is kept briefly but is never served stale, nor replaces an answer that could be.</summary>
    public bool IsFailure => Rcode == ResponseCode.ServFail;

    /// <summary>Bytes counted against the cache size.</summary>
    public int Size => _data.Length + (2 * (Key?.Length ?? 0)) + Overhead;

    /// <summary>
    /// The key of the name in our zones where <see cref="AnswerScrubber"/> cut the upstream's CNAME chain, or null: the
    /// rest of the answer comes from our zones when it is served.
    /// </summary>
    internal string? EntersAt { get; set; }

    /// <summary>Its key while in the cache.</summary>
    internal string? Key { get; set; }

    /// <summary>SIEVE's bit: set by every hit, cleared by the hand as it passes (lock-free; a lost write costs one eviction order).</summary>
    internal bool Visited { get; set; }

    /// <summary>SIEVE's queue, newest first; changed under the cache's lock only.</summary>
    internal CachedAnswer? Newer { get; set; }

    internal CachedAnswer? Older { get; set; }

    /// <summary>
    /// Reads an upstream response to the question in <paramref name="response"/> (already matched to our query).
    /// Returns null when its records do not parse, or point forwards, which a cache would serve broken.
    /// </summary>
    public static CachedAnswer? Parse(ReadOnlySpan<byte> response, CacheOptions limits, long now)
    {
        var questionEnd = MessageReader.SkipQuestion(response);
        if (questionEnd < 0 || MessageReader.ReadUInt16(response, 4) != 1)
        {
            return null;
        }

        var rcode = response[3] & DnsFlags.RcodeMask;
        var truncated = (response[2] & (DnsFlags.Truncated >> 8)) != 0;
        var authenticData = (response[3] & DnsFlags.AuthenticData) != 0;
        var answers = MessageReader.ReadUInt16(response, 6);
        var authority = MessageReader.ReadUInt16(response, 8);
        if (rcode is not (ResponseCode.NoError or ResponseCode.NXDomain))
        {
            // Errors keep no records: SERVFAIL briefly, the rest (FORMERR, NOTIMP...) only for the queries that asked.
            var failureTtl = rcode == ResponseCode.ServFail && !truncated ? ServFailTtl : 0;
            return Create(response[..questionEnd], questionEnd, [], 0, 0, rcode, authenticData: false, failureTtl, now);
        }

        var offsets = ArrayPool<ushort>.Shared.Rent(answers + authority);
        try
        {
            var offset = questionEnd;
            var answerTtl = uint.MaxValue;
            for (var i = 0; i < answers; i++)
            {
                if (!ReadRecord(response, ref offset, out var ttlAt, out _, out var ttl))
                {
                    return null;
                }

                offsets[i] = (ushort)ttlAt;
                answerTtl = Math.Min(answerTtl, ttl);
            }

            var answersEnd = offset;
            var soaTtl = uint.MaxValue;
            for (var i = 0; i < authority; i++)
            {
                if (!ReadRecord(response, ref offset, out var ttlAt, out var soaMinimum, out var ttl))
                {
                    return null;
                }

                offsets[answers + i] = (ushort)ttlAt;
                if (soaMinimum is { } minimum)
                {
                    soaTtl = Math.Min(ttl, minimum);
                }
            }

            var hasSoa = soaTtl != uint.MaxValue;
            var negative = rcode == ResponseCode.NXDomain || answers == 0;
            uint entryTtl;
            if (negative)
            {
                // RFC 2308 5: no SOA, no caching; otherwise the lesser of its TTL and MINIMUM, capped.
                entryTtl = hasSoa ? Math.Min(Math.Min(soaTtl, limits.MaxNegativeTtlSeconds), answerTtl) : 0;
            }
            else
            {
                entryTtl = answerTtl == 0 ? 0 : Math.Clamp(answerTtl, limits.MinTtlSeconds, limits.MaxTtlSeconds);
                if (hasSoa)
                {
                    entryTtl = Math.Min(entryTtl, Math.Min(soaTtl, limits.MaxNegativeTtlSeconds));
                }
            }

            var keptEnd = hasSoa ? offset : answersEnd;
            var kept = hasSoa ? answers + authority : answers;
            return Create(response[..keptEnd], questionEnd, offsets.AsSpan(0, kept), answers, (ushort)(hasSoa ? authority : 0), rcode, authenticData,
                truncated ? 0 : entryTtl, now);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(offsets);
        }
    }

    /// <summary>Whether it is fresh, servable stale, or past both at <paramref name="age"/>.</summary>
    public CacheFreshness Freshness(TimeSpan age, TimeSpan serveStale) =>
        age.TotalSeconds < Ttl ? CacheFreshness.Fresh
        : !IsFailure && age.TotalSeconds < Ttl + serveStale.TotalSeconds ? CacheFreshness.Stale
        : CacheFreshness.Expired;

    /// <summary>Asked again in the last tenth of its life: worth refreshing before it expires (Unbound's prefetch).</summary>
    public bool NeedsPrefetch(TimeSpan age) => !IsFailure && age.TotalSeconds * 10 >= Ttl * 9.0;

    /// <summary>
    /// Writes the answer to <paramref name="question"/> (the client's bytes, its case kept) into
    /// <paramref name="destination"/> with its TTLs counted down by <paramref name="age"/>, or all set to
    /// <see cref="StaleTtl"/>; the header's ID and flags are the caller's. Returns the length.
    /// </summary>
    public int WriteTo(Span<byte> destination, ReadOnlySpan<byte> question, TimeSpan age, bool stale)
    {
        var message = _data.AsSpan(0, MessageLength);
        message.CopyTo(destination);
        question.CopyTo(destination[DnsFlags.HeaderLength..]);
        var elapsed = (uint)Math.Min(age.TotalSeconds, uint.MaxValue);
        var offsets = _data.AsSpan(MessageLength);
        for (var i = 0; i < _recordCount; i++)
        {
            var at = BinaryPrimitives.ReadUInt16LittleEndian(offsets[(2 * i)..]);
            var ttl = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(message[at..]), Ttl);
            ttl = stale ? StaleTtl : ttl > elapsed ? ttl - elapsed : 0;
            BinaryPrimitives.WriteUInt32BigEndian(destination[at..], ttl);
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], AnswerCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], AuthorityCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], 0);
        return MessageLength;
    }

    private static CachedAnswer Create(
        ReadOnlySpan<byte> message, int questionEnd, ReadOnlySpan<ushort> ttlOffsets, ushort answers, ushort authority, int rcode, bool authenticData, uint ttl, long now)
    {
        var data = new byte[message.Length + (2 * ttlOffsets.Length)];
        message.CopyTo(data);
        for (var i = 0; i < ttlOffsets.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(message.Length + (2 * i)), ttlOffsets[i]);
        }

        return new CachedAnswer(data, message.Length, questionEnd, ttlOffsets.Length, answers, authority, rcode, authenticData, ttl, now);
    }

    /// <summary>Steps over one record, checking its names; returns where its TTL is, the TTL (RFC 2181 8: over 2^31 is 0) and an SOA's MINIMUM.</summary>
    private static bool ReadRecord(ReadOnlySpan<byte> message, ref int offset, out int ttlAt, out uint? soaMinimum, out uint ttl)
    {
        ttlAt = 0;
        soaMinimum = null;
        ttl = 0;
        if (!SkipNamePointingBack(message, ref offset, message.Length) || offset + 10 > message.Length)
        {
            return false;
        }

        var type = MessageReader.ReadUInt16(message, offset);
        ttlAt = offset + 4;
        ttl = BinaryPrimitives.ReadUInt32BigEndian(message[ttlAt..]);
        ttl = ttl > int.MaxValue ? 0 : ttl;
        var rdStart = offset + 10;
        var rdEnd = rdStart + MessageReader.ReadUInt16(message, offset + 8);
        if (rdEnd > message.Length || ttlAt > ushort.MaxValue)
        {
            return false;
        }

        // Names that RFC 1035 lets a server compress inside RDATA must point back too (RFC 3597 4).
        var at = rdStart;
        var ok = type switch
        {
            RecordType.NS or RecordType.CNAME or RecordType.PTR => SkipNamePointingBack(message, ref at, rdEnd),
            RecordType.MX => (at += 2) <= rdEnd && SkipNamePointingBack(message, ref at, rdEnd),
            RecordType.SOA => SkipNamePointingBack(message, ref at, rdEnd) && SkipNamePointingBack(message, ref at, rdEnd) && at + 20 <= rdEnd,
            _ => true,
        };
        if (type == RecordType.SOA && ok)
        {
            soaMinimum = BinaryPrimitives.ReadUInt32BigEndian(message[(at + 16)..]);
        }

        offset = rdEnd;
        return ok;
    }

    private static bool SkipNamePointingBack(ReadOnlySpan<byte> message, ref int offset, int end)
    {
        while (offset < end)
        {
            int length = message[offset];
            if ((length & 0xC0) == 0xC0)
            {
                if (offset + 2 > end || (((length & 0x3F) << 8) | message[offset + 1]) >= offset)
                {
                    return false;
                }

                offset += 2;
                return true;
            }

            if (length > 63)
            {
                return false;
            }

            offset += length + 1;
            if (length == 0)
            {
                return offset <= end;
            }
        }

        return false;
    }
}
