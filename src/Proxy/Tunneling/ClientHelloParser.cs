using System.Buffers.Binary;
using System.Text;
using Endpoints.Common.ProxyProtocol;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Finds the SNI in a TLS ClientHello without terminating TLS. The handshake message may span several TLS
/// records and any number of TCP segments: call again with more bytes while it returns NeedMore.
/// </summary>
internal static class ClientHelloParser
{
    public const int MaxHelloLength = 64 * 1024;

    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const ushort ServerNameExtension = 0;

    public static ParseStatus TryGetServerName(ReadOnlySpan<byte> data, out string? serverName, out ClientHelloError error) =>
        TryGetServerName(data, out serverName, out error, out _);

    /// <summary>
    /// <paramref name="consumed"/>: the bytes of the records that carried the ClientHello, when Done. A record that
    /// holds handshake bytes past the ClientHello is invalid: those could be a second ClientHello sent ahead of a
    /// HelloRetryRequest, which must be judged on its own.
    /// </summary>
    public static ParseStatus TryGetServerName(ReadOnlySpan<byte> data, out string? serverName, out ClientHelloError error, out int consumed)
    {
        serverName = null;
        consumed = 0;
        error = ClientHelloError.None;
        Span<byte> header = stackalloc byte[4];
        var handshake = new List<byte>();
        var offset = 0;
        var needed = -1;
        while (true)
        {
            // The first byte or two already tell a stream that is not TLS: no need to wait for a whole record header.
            if ((data.Length > offset && data[offset] != HandshakeRecord) || (data.Length > offset + 1 && data[offset + 1] != 3))
            {
                error = offset == 0 ? ClientHelloError.NotTls : ClientHelloError.UnexpectedRecord;
                return ParseStatus.Invalid;
            }

            if (data.Length - offset < 5)
            {
                return ParseStatus.NeedMore;
            }

            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 3)..]);
            if (recordLength is 0 or > (16384 + 2048))
            {
                error = ClientHelloError.BadRecordLength;
                return ParseStatus.Invalid;
            }

            if (data.Length - offset - 5 < recordLength)
            {
                return ParseStatus.NeedMore;
            }

            foreach (var b in data.Slice(offset + 5, recordLength))
            {
                handshake.Add(b);
            }

            offset += 5 + recordLength;
            if (needed < 0 && handshake.Count >= 4)
            {
                if (handshake[0] != ClientHelloType)
                {
                    error = ClientHelloError.NotClientHello;
                    return ParseStatus.Invalid;
                }

                needed = 4 + ((handshake[1] << 16) | (handshake[2] << 8) | handshake[3]);
                if (needed > MaxHelloLength)
                {
                    error = ClientHelloError.TooLarge;
                    return ParseStatus.Invalid;
                }
            }

            if (needed >= 0 && handshake.Count > needed)
            {
                error = ClientHelloError.DataAfterHello;
                return ParseStatus.Invalid;
            }

            if (needed >= 0 && handshake.Count == needed)
            {
                consumed = offset;
                return ParseHello(handshake.GetRange(4, needed - 4).ToArray(), out serverName, out error);
            }
        }
    }

    private static ParseStatus ParseHello(ReadOnlySpan<byte> hello, out string? serverName, out ClientHelloError error)
    {
        serverName = null;
        error = ClientHelloError.Malformed;
        var reader = hello;
        if (!Skip(ref reader, 2 + 32) || !SkipVector(ref reader, 1) || !SkipVector(ref reader, 2) || !SkipVector(ref reader, 1))
        {
            return ParseStatus.Invalid;
        }

        if (reader.IsEmpty)
        {
            error = ClientHelloError.NoExtensions;
            return ParseStatus.Done;
        }

        if (reader.Length < 2)
        {
            return ParseStatus.Invalid;
        }

        var extensions = reader[2..];
        if (extensions.Length != BinaryPrimitives.ReadUInt16BigEndian(reader))
        {
            return ParseStatus.Invalid;
        }

        while (extensions.Length >= 4)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            var length = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
            if (extensions.Length < 4 + length)
            {
                return ParseStatus.Invalid;
            }

            if (type == ServerNameExtension)
            {
                return ParseServerName(extensions.Slice(4, length), out serverName, out error);
            }

            extensions = extensions[(4 + length)..];
        }

        error = ClientHelloError.NoServerName;
        return ParseStatus.Done;
    }

    private static ParseStatus ParseServerName(ReadOnlySpan<byte> extension, out string? serverName, out ClientHelloError error)
    {
        serverName = null;
        error = ClientHelloError.MalformedServerName;
        if (extension.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(extension) != extension.Length - 2)
        {
            return ParseStatus.Invalid;
        }

        var list = extension[2..];
        while (list.Length >= 3)
        {
            var nameType = list[0];
            var length = BinaryPrimitives.ReadUInt16BigEndian(list[1..]);
            if (list.Length < 3 + length)
            {
                return ParseStatus.Invalid;
            }

            if (nameType == 0)
            {
                var name = list.Slice(3, length);
                if (name.IsEmpty || name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
                {
                    error = ClientHelloError.NonAsciiServerName;
                    return ParseStatus.Invalid;
                }

                serverName = Encoding.ASCII.GetString(name);
                error = ClientHelloError.None;
                return ParseStatus.Done;
            }

            list = list[(3 + length)..];
        }

        error = ClientHelloError.NoHostName;
        return ParseStatus.Done;
    }

    private static bool Skip(ref ReadOnlySpan<byte> reader, int count)
    {
        if (reader.Length < count)
        {
            return false;
        }

        reader = reader[count..];
        return true;
    }

    private static bool SkipVector(ref ReadOnlySpan<byte> reader, int lengthBytes)
    {
        if (reader.Length < lengthBytes)
        {
            return false;
        }

        var length = lengthBytes == 1 ? reader[0] : BinaryPrimitives.ReadUInt16BigEndian(reader);
        return Skip(ref reader, lengthBytes + length);
    }
}
