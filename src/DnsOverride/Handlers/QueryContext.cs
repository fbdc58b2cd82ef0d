using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Forwarding;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// One query in flight: its buffers are owned and reused, so the authoritative path allocates nothing.
/// Handlers fill <see cref="ResponseLength"/> (0 means stay silent) and the summary fields for the log line.
/// </summary>
internal sealed class QueryContext
{
    public const int MaxMessage = ushort.MaxValue;

    /// <summary>A context for TCP, or for tests: room for any message both ways.</summary>
    public QueryContext()
        : this(MaxMessage, MaxMessage)
    {
    }

    /// <summary>A context whose buffers hold <paramref name="requestSize"/> and <paramref name="responseSize"/> bytes (UDP's are small).</summary>
    public QueryContext(int requestSize, int responseSize)
    {
        Request = new byte[requestSize];
        Response = new byte[responseSize];
    }

    public byte[] Request { get; }

    public byte[] Response { get; }

    public char[] NameKey { get; } = new char[DnsName.MaxWireLength + 1];

    /// <summary>The UDP peer, sized for the family of the socket that received the query.</summary>
    public SocketAddress UdpRemote { get; init; } = new(AddressFamily.InterNetworkV6);

    public int RequestLength { get; set; }

    public int ResponseLength { get; set; }

    public DnsQuery Query;

    public QueryParseStatus ParseStatus { get; set; }

    public DnsTransport Transport { get; set; }

    /// <summary>For TCP the peer; for UDP created on demand from <see cref="UdpRemote"/>.</summary>
    public IPEndPoint? TcpRemote { get; set; }

    public long StartTimestamp { get; set; }

    public int UdpPayloadLimit { get; set; } = DnsQuery.DefaultEdnsPayload;

    /// <summary>Whether this client may use us as a resolver; set by the server per query.</summary>
    public bool RecursionAllowed { get; set; }

    public QueryDecision Decision { get; set; }

    /// <summary>Why a forward or a chase failed, with <see cref="QueryDecision.ForwardFailed"/> and <see cref="QueryDecision.ChaseFailed"/>.</summary>
    public ForwardStatus ForwardStatus { get; set; }

    public string ZoneName { get; set; } = string.Empty;

    public int Rcode { get; set; }

    /// <summary>The key a signed query was verified with: its answer is signed too (RFC 8945 5.3).</summary>
    public Tsig.TsigKey? TsigKey { get; set; }

    /// <summary>The MAC the next signed message chains from: the query's, then each answer's.</summary>
    public byte[] TsigMac { get; set; } = [];

    /// <summary>More messages after <see cref="Response"/> for the same query (a zone transfer over TCP).</summary>
    public IFollowingMessages? Following { get; set; }

    public ReadOnlySpan<char> QName => NameKey.AsSpan(0, Query.QNameKeyLength);

    /// <summary>RFC 1035 512 bytes without EDNS; the client's EDNS size capped by ours (RFC 6891 6.2.5); 64 KiB on TCP; never past the buffer.</summary>
    public int MaxResponseSize => Math.Min(
        Response.Length,
        Transport == DnsTransport.Tcp ? MaxMessage : Query.HasEdns ? Math.Clamp((int)Query.EdnsPayload, 512, UdpPayloadLimit) : 512);

    public IPEndPoint RemoteEndPoint => TcpRemote ??
        (IPEndPoint)new IPEndPoint(UdpRemote.Family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0).Create(UdpRemote);

    /// <summary>
    /// What response rate limiting counts this answer as, when not its name: the RRset answered (so every name a
    /// wildcard synthesises shares one account, as in BIND) or the zone cut a referral points at.
    /// </summary>
    public object? RateLimitSubject { get; set; }

    public void Reset(DnsTransport transport)
    {
        RateLimitSubject = null;
        Transport = transport;
        ResponseLength = 0;
        Query = default;
        Decision = QueryDecision.None;
        ForwardStatus = ForwardStatus.Answered;
        ZoneName = string.Empty;
        Rcode = 0;
        RecursionAllowed = false;
        TsigKey = null;
        TsigMac = [];
        Following = null;
    }
}
