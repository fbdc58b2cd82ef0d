using System.Buffers.Binary;
using System.Security.Cryptography;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>
/// Checks and makes TSIG MACs (RFC 8945). A request's MAC covers the message as it was before the TSIG record was
/// added (its original ID, one additional record fewer) and the TSIG variables; a response's MAC also covers the
/// request's MAC first; each later message of a zone transfer covers the previous message's MAC and only the timers.
/// </summary>
internal static class TsigSigner
{
    /// <summary>Clock skew allowed in what we sign, as BIND and RFC 8945 10 recommend.</summary>
    public const ushort Fudge = 300;

    public static TsigStatus Verify(ReadOnlySpan<byte> message, TsigRecord tsig, IReadOnlyList<TsigKey> keys, long now, out TsigKey? key)
    {
        key = keys.FirstOrDefault(k => k.Name == tsig.KeyName);
        if (key is null || TsigAlgorithm.Find(tsig.Algorithm) != key.Algorithm)
        {
            key = null;
            return TsigStatus.BadKey;
        }

        // RFC 8945 5.2.2.1: a MAC may be truncated, but not below half the hash nor below 10 bytes.
        var full = key.Algorithm.MacLength;
        if (tsig.Mac.Length > full || tsig.Mac.Length < Math.Max(10, full / 2))
        {
            return TsigStatus.BadSig;
        }

        var expected = Mac(key, [], message[..tsig.Start], originalId: tsig.OriginalId, removedRecords: 1, timersOnly: false, tsig.TimeSigned, tsig.Fudge, tsig.Error, tsig.Other);
        if (!CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, tsig.Mac.Length), tsig.Mac))
        {
            return TsigStatus.BadSig;
        }

        // The request names its own fudge; a wider one than ours must not widen our window (RFC 8945 10: 300 s).
        return Math.Abs(now - tsig.TimeSigned) > Math.Min(tsig.Fudge, Fudge) ? TsigStatus.BadTime : TsigStatus.Valid;
    }

    /// <summary>
    /// Checks the TSIG of a response to a request we signed with <paramref name="key"/> (RFC 8945 5.3): its MAC covers
    /// our request's MAC first. An unsigned response, or one signed with another key, does not verify.
    /// </summary>
    public static TsigStatus VerifyResponse(ReadOnlySpan<byte> message, TsigKey key, ReadOnlySpan<byte> requestMac, long now)
    {
        if (TsigRecord.TryRead(message, out var tsig) != TsigStatus.Valid || tsig is null)
        {
            return TsigStatus.BadSig;
        }

        if (tsig.KeyName != key.Name || TsigAlgorithm.Find(tsig.Algorithm) != key.Algorithm || tsig.Mac.Length != key.Algorithm.MacLength)
        {
            return TsigStatus.BadKey;
        }

        var expected = Mac(key, requestMac, message[..tsig.Start], tsig.OriginalId, removedRecords: 1, timersOnly: false, tsig.TimeSigned, tsig.Fudge, tsig.Error, tsig.Other);
        if (!CryptographicOperations.FixedTimeEquals(expected, tsig.Mac))
        {
            return TsigStatus.BadSig;
        }

        return Math.Abs(now - tsig.TimeSigned) > Math.Min(tsig.Fudge, Fudge) ? TsigStatus.BadTime : TsigStatus.Valid;
    }

    /// <summary>
    /// Signs the message in <paramref name="buffer"/>[..<paramref name="length"/>] and appends its TSIG record;
    /// returns the new length and, in <paramref name="mac"/>, the MAC the next message chains from.
    /// </summary>
    public static int Sign(
        Span<byte> buffer, int length, TsigKey key, ReadOnlySpan<byte> priorMac, bool timersOnly, long time, TsigStatus error, ReadOnlySpan<byte> other, out byte[] mac)
    {
        var originalId = BinaryPrimitives.ReadUInt16BigEndian(buffer);
        var errorCode = error is TsigStatus.BadSig or TsigStatus.BadKey or TsigStatus.BadTime ? (ushort)error : (ushort)0;
        mac = Mac(key, priorMac, buffer[..length], originalId, removedRecords: 0, timersOnly, time, Fudge, errorCode, other);
        return Append(buffer, length, key.Name, key.Algorithm.WireName, time, mac, errorCode, other);
    }

    /// <summary>The unsigned TSIG record of a BADKEY or BADSIG answer (RFC 8945 5.3.2): the request's key and time, no MAC.</summary>
    public static int AppendUnsigned(Span<byte> buffer, int length, TsigRecord request, TsigStatus error) =>
        Append(buffer, length, request.KeyName, request.Algorithm, request.TimeSigned, [], (ushort)error, []);

    /// <summary>Other Data of a BADTIME answer: our time, so the client sees the skew (RFC 8945 5.2.3).</summary>
    public static byte[] TimeData(long now)
    {
        var data = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)(now >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(2), (uint)now);
        return data;
    }

    internal static byte[] Mac(
        TsigKey key, ReadOnlySpan<byte> priorMac, ReadOnlySpan<byte> message, ushort originalId, int removedRecords, bool timersOnly,
        long time, ushort fudge, ushort error, ReadOnlySpan<byte> other)
    {
        using var hmac = IncrementalHash.CreateHMAC(key.Algorithm.Hash, key.Secret);
        Span<byte> scratch = stackalloc byte[DnsName.MaxWireLength + 16];
        if (!priorMac.IsEmpty)
        {
            BinaryPrimitives.WriteUInt16BigEndian(scratch, (ushort)priorMac.Length);
            hmac.AppendData(scratch[..2]);
            hmac.AppendData(priorMac);
        }

        message[..DnsFlags.HeaderLength].CopyTo(scratch);
        BinaryPrimitives.WriteUInt16BigEndian(scratch, originalId);
        BinaryPrimitives.WriteUInt16BigEndian(scratch[10..], (ushort)(MessageReader.ReadUInt16(message, 10) - removedRecords));
        hmac.AppendData(scratch[..DnsFlags.HeaderLength]);
        hmac.AppendData(message[DnsFlags.HeaderLength..]);
        if (!timersOnly)
        {
            var n = key.Name.WriteTo(scratch);
            BinaryPrimitives.WriteUInt16BigEndian(scratch[n..], TsigRecord.ClassAny);
            BinaryPrimitives.WriteUInt32BigEndian(scratch[(n + 2)..], 0);
            hmac.AppendData(scratch[..(n + 6)]);
            n = key.Algorithm.WireName.WriteTo(scratch);
            hmac.AppendData(scratch[..n]);
        }

        WriteTime(scratch, time);
        BinaryPrimitives.WriteUInt16BigEndian(scratch[6..], fudge);
        hmac.AppendData(scratch[..8]);
        if (!timersOnly)
        {
            BinaryPrimitives.WriteUInt16BigEndian(scratch, error);
            BinaryPrimitives.WriteUInt16BigEndian(scratch[2..], (ushort)other.Length);
            hmac.AppendData(scratch[..4]);
            hmac.AppendData(other);
        }

        return hmac.GetHashAndReset();
    }

    private static int Append(Span<byte> buffer, int length, DnsName keyName, DnsName algorithm, long time, ReadOnlySpan<byte> mac, ushort error, ReadOnlySpan<byte> other)
    {
        var at = length;
        at += keyName.WriteTo(buffer[at..]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], TsigRecord.Type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], TsigRecord.ClassAny);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(at + 4)..], 0);
        var rdLengthAt = at + 8;
        at += 10;
        var rdStart = at;
        at += algorithm.WriteTo(buffer[at..]);
        WriteTime(buffer[at..], time);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 6)..], Fudge);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 8)..], (ushort)mac.Length);
        at += 10;
        mac.CopyTo(buffer[at..]);
        at += mac.Length;
        buffer[..2].CopyTo(buffer[at..]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], error);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 4)..], (ushort)other.Length);
        at += 6;
        other.CopyTo(buffer[at..]);
        at += other.Length;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[rdLengthAt..], (ushort)(at - rdStart));
        BinaryPrimitives.WriteUInt16BigEndian(buffer[10..], (ushort)(MessageReader.ReadUInt16(buffer, 10) + 1));
        return at;
    }

    private static void WriteTime(Span<byte> destination, long time)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(time >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)time);
    }

    /// <summary>The space a TSIG record for <paramref name="key"/> takes, to keep free when filling a message.</summary>
    public static int Room(TsigKey key) => key.Name.WireLength + 10 + key.Algorithm.WireName.WireLength + 10 + key.Algorithm.MacLength + 6 + 6;
}
