using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Tsig;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Transfers;

/// <summary>
/// NOTIFY (RFC 1996) to the <c>--notify</c> secondaries whenever a zone's serial changes (and for every zone at
/// start), so they transfer it at once rather than at their refresh timer. Signed with the first TSIG key when keys
/// are configured. Each is sent until acknowledged, 5 tries, waiting 1, 2, 4, 8 and 16 s.
/// </summary>
internal sealed class NotifySender : IHostedService, IDisposable
{
    private const int Tries = 5;
    private const ushort OpcodeNotify = 4;
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1);

    private readonly ZoneStore _zones;
    private readonly IPEndPoint[] _targets;
    private readonly TsigKey? _key;
    private readonly TimeProvider _time;
    private readonly DnsMetrics _metrics;
    private readonly ILogger<NotifySender> _logger;
    private readonly CancellationTokenSource _stopping = new();

    public NotifySender(ZoneStore zones, IOptions<DnsOverrideOptions> options, TimeProvider time, DnsMetrics metrics, ILogger<NotifySender> logger)
    {
        _zones = zones;
        _targets = options.Value.NotifyEndPoints;
        _key = options.Value.TsigKeyRing.Count > 0 ? options.Value.TsigKeyRing[0] : null;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_targets.Length > 0)
        {
            _zones.Changed += Changed;
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _zones.Changed -= Changed;
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>The NOTIFY message for <paramref name="zone"/>: its SOA as the question and, as BIND sends it, in the answer.</summary>
    public static byte[] Build(Zone zone, ushort id, TsigKey? key, long now) => Build(zone, id, key, now, out _);

    /// <summary><paramref name="mac"/>: the request's MAC, which a signed answer's MAC covers (empty when unsigned).</summary>
    public static byte[] Build(Zone zone, ushort id, TsigKey? key, long now, out byte[] mac)
    {
        mac = [];
        var soa = zone.Find(zone.Origin.Key)!.Get(RecordType.SOA)!.Encoded;
        var buffer = new byte[512 + soa.Length + (key is null ? 0 : TsigSigner.Room(key))];
        var writer = new MessageWriter(buffer, buffer.Length);
        writer.WriteUInt16(id);
        writer.WriteUInt16((ushort)((OpcodeNotify << 11) | DnsFlags.Authoritative));
        writer.WriteUInt16(1);
        writer.WriteUInt16(1);
        writer.WriteUInt32(0);
        writer.WriteNameKey(zone.Origin.Key);
        writer.WriteUInt16(RecordType.SOA);
        writer.WriteUInt16(1);
        writer.WritePointer(DnsFlags.HeaderLength);
        writer.WriteBytes(soa);
        var length = writer.Position;
        if (key is not null)
        {
            length = TsigSigner.Sign(buffer, length, key, [], timersOnly: false, now, TsigStatus.Valid, [], out mac);
        }

        return buffer[..length];
    }

    private void Changed(ZoneSet previous, ZoneSet current)
    {
        foreach (var zone in current.Zones)
        {
            // A transparent zone has no secondaries (TransferHandler refuses to copy it).
            if ((previous.FindZoneExact(zone.Origin) is { } before && before.Serial == zone.Serial) || current.Transparent.Contains(zone.Origin))
            {
                continue;
            }

            foreach (var target in _targets)
            {
                _ = NotifyAsync(zone, target);
            }
        }
    }

    private async Task NotifyAsync(Zone zone, IPEndPoint target)
    {
        var wait = FirstWait;
        try
        {
            using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(target, _stopping.Token).ConfigureAwait(false);
            var answer = new byte[4096];
            for (var attempt = 1; attempt <= Tries; attempt++)
            {
                var id = QueryIds.Next();
                await socket.SendAsync(Build(zone, id, _key, _time.GetUtcNow().ToUnixTimeSeconds(), out var mac), _stopping.Token).ConfigureAwait(false);
                var rcode = await AcknowledgedAsync(socket, answer, id, mac, wait).ConfigureAwait(false);
                if (rcode == ResponseCode.NoError)
                {
                    _metrics.Notified("acknowledged");
                    Log.NotifyAcknowledged(_logger, zone.Name, zone.Serial, target, attempt);
                    return;
                }

                if (rcode > 0)
                {
                    // The secondary answered, and said no: asking again would get the same answer (RFC 1996 4.7).
                    _metrics.Notified("refused");
                    Log.NotifyRefused(_logger, zone.Name, zone.Serial, target, ResponseCode.ToName(rcode));
                    return;
                }

                wait *= 2;
            }

            _metrics.Notified("unacknowledged");
            Log.NotifyUnacknowledged(_logger, zone.Name, zone.Serial, target, Tries);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for a NOTIFY response with our ID: its rcode, or -1 when none came. With a
    /// key, only a response whose TSIG verifies against our request counts (RFC 8945 5.3); another is a forgery that
    /// would stop the retries, counted and waited past.
    /// </summary>
    private async Task<int> AcknowledgedAsync(Socket socket, byte[] answer, ushort id, byte[] requestMac, TimeSpan wait)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(wait);
        try
        {
            while (true)
            {
                var length = await socket.ReceiveAsync(answer, timeout.Token).ConfigureAwait(false);
                var flags = length >= DnsFlags.HeaderLength ? BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(2)) : 0;
                if (BinaryPrimitives.ReadUInt16BigEndian(answer) != id || (flags & DnsFlags.Response) == 0 || (flags & DnsFlags.OpcodeMask) >> 11 != OpcodeNotify)
                {
                    continue;
                }

                if (_key is not null && TsigSigner.VerifyResponse(answer.AsSpan(0, length), _key, requestMac, _time.GetUtcNow().ToUnixTimeSeconds()) != TsigStatus.Valid)
                {
                    _metrics.Notified("bad-signature");
                    continue;
                }

                return flags & DnsFlags.RcodeMask;
            }
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return -1;
        }
        catch (SocketException)
        {
            // Port unreachable: the secondary is not up yet; wait out the interval and try again.
            await Task.Delay(wait, _time, _stopping.Token).ConfigureAwait(false);
            return -1;
        }
    }
}
