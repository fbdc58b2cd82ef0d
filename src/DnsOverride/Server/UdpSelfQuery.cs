using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Observability;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Hosting;

namespace Endpoints.DnsOverride.Server;

/// <summary>
/// Asks every UDP listener for a zone's SOA every two seconds, over loopback for a wildcard address: a load
/// balancer's health checks are HTTP and UDP has no passive ones, so <c>/readyz</c> says ready only while the UDP
/// path answers (<see cref="ServerReadiness"/>). A listener wedged behind a full receive queue drops the server out.
/// </summary>
internal sealed class UdpSelfQuery(ServerReadiness readiness, ZoneStore zones, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var buffer = new byte[512];
        // Polled every 100 ms until the listeners are bound and a zone is in service, then every Interval: the
        // timer wakes a thread each time, and a server under load pays for each wake-up.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (readiness.UdpEndPoints.Count == 0 || zones.Current.Zones.FirstOrDefault() is not { } zone)
            {
                continue;
            }

            timer.Period = Interval;
            var answered = true;
            foreach (var endpoint in readiness.UdpEndPoints)
            {
                answered &= await AnswersAsync(Loopback(endpoint), zone.Origin, buffer, stoppingToken).ConfigureAwait(false);
            }

            if (answered)
            {
                readiness.SelfQueryAnsweredNow();
            }
        }
    }

    private static IPEndPoint Loopback(IPEndPoint endpoint) =>
        endpoint.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, endpoint.Port)
        : endpoint.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, endpoint.Port) : endpoint;

    private static async Task<bool> AnswersAsync(IPEndPoint endpoint, DnsName zone, byte[] buffer, CancellationToken stoppingToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        var length = Query(buffer, id, zone);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(buffer.AsMemory(0, length), timeout.Token).ConfigureAwait(false);
            var received = await socket.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false);
            return received >= DnsFlags.HeaderLength && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A query for <paramref name="zone"/>'s SOA, class IN, without EDNS.</summary>
    private static int Query(byte[] buffer, ushort id, DnsName zone)
    {
        Array.Clear(buffer, 0, DnsFlags.HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(4), 1);
        var offset = DnsFlags.HeaderLength + zone.WriteTo(buffer.AsSpan(DnsFlags.HeaderLength));
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), RecordType.SOA);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), 1);
        return offset + 4;
    }
}
