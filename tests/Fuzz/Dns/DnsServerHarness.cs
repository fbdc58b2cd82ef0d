using System.Net;
using Endpoints.DnsOverride;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Zones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Endpoints.Fuzz.Dns;

/// <summary>
/// The whole query path (every handler, wired by AddDnsOverrideServices as the host wires it) on the shipped zones.
/// The first input byte picks the transport; the rest is the message. The client is outside every recursion list,
/// so nothing is forwarded. Whatever the query, the path completes, and any reply is one DNS message: its ID is the
/// query's, it fits the transport's limit, and its sections hold exactly the records its header counts.
/// </summary>
internal sealed class DnsServerHarness : IHarness, IDisposable
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.1"), 5353);

    private readonly ServiceProvider _services;
    private readonly QueryPipeline _pipeline;
    private readonly QueryContext _context = new();

    public DnsServerHarness()
    {
        var zones = Path.Combine(AppContext.BaseDirectory, "zones");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DnsOverride:Zones"] = zones,
            ["DnsOverride:Upstream:0"] = "127.0.0.1:9",
        }).Build();
        _services = new ServiceCollection().AddMetrics().AddLogging().AddSingleton(TimeProvider.System)
            .AddDnsOverrideServices(configuration).BuildServiceProvider();
        _services.GetRequiredService<ZoneStore>().Reload("fuzz");
        _pipeline = _services.GetRequiredService<QueryPipeline>();
    }

    public string Name => "dns-server";

    public void Run(ReadOnlySpan<byte> input)
    {
        // An empty input is an empty UDP datagram, and it goes down the path too: SharpFuzz reads the first input before
        // afl-fuzz has written it, so the first run can see none, and a run that reaches no instrumented code stops AFL
        // ("No instrumentation detected").
        var transport = input.IsEmpty || (input[0] & 1) == 0 ? DnsTransport.Udp : DnsTransport.Tcp;
        var message = input.IsEmpty ? input : input[1..Math.Min(input.Length, QueryContext.MaxMessage + 1)];
        _context.Reset(transport);
        if (transport == DnsTransport.Udp)
        {
            _context.TcpRemote = null;
            var address = Client.Serialize();
            address.Buffer.Span.CopyTo(_context.UdpRemote.Buffer.Span);
            _context.UdpRemote.Size = address.Size;
        }
        else
        {
            _context.TcpRemote = Client;
        }

        message.CopyTo(_context.Request);
        _context.RequestLength = message.Length;
        var served = _pipeline.ServeAsync(_context, CancellationToken.None).AsTask();
        PropertyViolation.Unless(served.Wait(TimeSpan.FromSeconds(5)), "the query path did not complete within 5 s");
        if (_context.ResponseLength == 0)
        {
            return;
        }

        var reply = _context.Response.AsSpan(0, _context.ResponseLength);
        PropertyViolation.Unless(reply.Length >= DnsFlags.HeaderLength, $"a reply of {reply.Length} bytes");
        PropertyViolation.Unless(message.Length < 2 || reply[..2].SequenceEqual(message[..2]), "the reply's ID is not the query's");
        PropertyViolation.Unless(transport == DnsTransport.Tcp || reply.Length <= ushort.MaxValue, "a UDP reply over 64 KiB");
        PropertyViolation.Unless(WellFormed(reply), "the reply's sections do not match its header counts");
    }

    public void Dispose() => _services.Dispose();

    private static bool WellFormed(ReadOnlySpan<byte> reply)
    {
        var offset = DnsFlags.HeaderLength;
        for (var i = 0; i < MessageReader.ReadUInt16(reply, 4); i++)
        {
            if (!MessageReader.SkipName(reply, ref offset) || (offset += 4) > reply.Length)
            {
                return false;
            }
        }

        var records = MessageReader.ReadUInt16(reply, 6) + MessageReader.ReadUInt16(reply, 8) + MessageReader.ReadUInt16(reply, 10);
        for (var i = 0; i < records; i++)
        {
            if (!MessageReader.SkipName(reply, ref offset) || offset + 10 > reply.Length)
            {
                return false;
            }

            offset += 10 + MessageReader.ReadUInt16(reply, offset + 8);
        }

        return offset == reply.Length;
    }
}
