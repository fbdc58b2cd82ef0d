using System.Buffers;
using System.Net;
using Endpoints.Common.Networking;
using Microsoft.AspNetCore.Connections;

namespace Endpoints.Common.ProxyProtocol;

/// <summary>
/// Kestrel connection middleware for health and metrics listeners behind a load balancer: from a trusted source, a
/// PROXY v1 or v2 header (LOCAL or not) ahead of the HTTP request is read and dropped. AWS NLBs send one on
/// health checks once proxy protocol is on for the target group, and HAProxy does with <c>check-send-proxy</c>.
/// The header is optional, so plain checks from the same balancer work too. From any other source the bytes are
/// left to the HTTP parser, which refuses them: a PROXY header is never trusted from an unconfigured address.
/// </summary>
public static class OptionalProxyHeader
{
    /// <summary>Longer than any header a load balancer sends on a health check (v2 with AWS's TLVs is under 100 bytes).</summary>
    public const int MaxLength = 536;

    public static ConnectionDelegate Use(ConnectionDelegate next, IReadOnlyList<IPNetwork> trusted) =>
        context => trusted.Count > 0 && context.RemoteEndPoint is IPEndPoint remote && trusted.ContainsAny(remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address)
            ? ReadThenNextAsync(context, next)
            : next(context);

    private static async Task ReadThenNextAsync(ConnectionContext context, ConnectionDelegate next)
    {
        var input = context.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(context.ConnectionClosed).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = Parse(buffer, out var isHeader, out var consumed, out var header);
            if (!isHeader)
            {
                // Not a PROXY header: leave every byte for the HTTP parser.
                input.AdvanceTo(buffer.Start);
                break;
            }

            if (status == ParseStatus.Done)
            {
                input.AdvanceTo(buffer.GetPosition(consumed));
                if (header is { IsLocal: false, Source: { } source })
                {
                    context.RemoteEndPoint = source;
                }

                break;
            }

            if (status == ParseStatus.Invalid || result.IsCompleted || buffer.Length >= MaxLength)
            {
                // A broken header from the balancer itself: nothing sensible to answer, so the check fails.
                input.AdvanceTo(buffer.End);
                return;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }

        await next(context).ConfigureAwait(false);
    }

    private static ParseStatus Parse(ReadOnlySequence<byte> buffer, out bool isHeader, out int consumed, out ProxyHeader? header)
    {
        Span<byte> head = stackalloc byte[MaxLength];
        var length = (int)Math.Min(buffer.Length, MaxLength);
        buffer.Slice(0, length).CopyTo(head);
        var data = head[..length];
        isHeader = data.IsEmpty || ProxyHeaderParser.LooksLikeHeader(data);
        return ProxyHeaderParser.TryParse(data, out header, out consumed, out _);
    }
}
