using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.RateLimiting;

/// <summary>
/// Response rate limiting as BIND does it (<see cref="RateLimitOptions"/>), for UDP responses from our own data:
/// a spoofed flood cannot turn the server into an amplifier, and a real client behind the flooded prefix still
/// gets a truncated answer now and then and retries over TCP, which is never limited. Forwarded answers are not
/// limited either: only clients allowed recursion get them.
/// </summary>
internal sealed class ResponseRateLimiter
{
    private readonly RateLimitOptions _options;
    private readonly AddressAcl _exempt;
    private readonly TimeProvider _time;
    private readonly ILogger<ResponseRateLimiter> _logger;
    private readonly DnsMetrics _metrics;
    private readonly ConcurrentDictionary<RateLimitKey, RateLimitAccount> _accounts = new();
    private readonly double _window;
    private int _count;
    private int _recycling;

    public ResponseRateLimiter(IOptions<DnsOverrideOptions> options, TimeProvider time, ILogger<ResponseRateLimiter> logger, DnsMetrics metrics)
    {
        _options = options.Value.RateLimit;
        _exempt = new AddressAcl(_options.ExemptNetworks);
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _window = _options.Window.TotalSeconds;
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Accounts held now (for tests).</summary>
    public int Accounts => Volatile.Read(ref _count);

    public RateLimitVerdict Check(QueryContext context)
    {
        if (!_options.Enabled || context.Transport != DnsTransport.Udp || context.ResponseLength == 0 ||
            context.Decision is QueryDecision.Forwarded or QueryDecision.ForwardFailed or QueryDecision.AuthoritativeChased or QueryDecision.ChaseFailed ||
            _exempt.Contains(context.UdpRemote))
        {
            return RateLimitVerdict.Send;
        }

        var (kind, rate) = context.Rcode switch
        {
            ResponseCode.NoError => (RateLimitKind.Response, _options.ResponsesPerSecond),
            ResponseCode.NXDomain => (RateLimitKind.Nxdomain, _options.NxdomainsPerSecond ?? _options.ResponsesPerSecond),
            _ => (RateLimitKind.Error, _options.ErrorsPerSecond ?? _options.ResponsesPerSecond),
        };
        if (rate == 0)
        {
            return RateLimitVerdict.Send;
        }

        var token = kind switch
        {
            RateLimitKind.Response when context.RateLimitSubject is { } subject => (1UL << 48) | (uint)RuntimeHelpers.GetHashCode(subject),
            RateLimitKind.Response => ((ulong)(uint)string.GetHashCode(context.QName) << 16) | context.Query.QType,
            RateLimitKind.Nxdomain => (ulong)(uint)string.GetHashCode(context.ZoneName),
            _ => 0UL,
        };
        var key = new RateLimitKey(Prefix(context.UdpRemote), kind, token);
        var now = _time.GetTimestamp();
        if (!_accounts.TryGetValue(key, out var account))
        {
            Recycle(now);
            account = _accounts.GetOrAdd(key, static (_, state) => new RateLimitAccount(state.Rate, state.Now), (Rate: (double)rate, Now: now));
            Interlocked.Increment(ref _count);
        }

        var (verdict, report) = account.Charge(now, _time.TimestampFrequency, rate, _window, _options.Slip);
        if (verdict == RateLimitVerdict.Send)
        {
            return verdict;
        }

        if (report)
        {
            Report(context, key, kind, rate);
        }

        _metrics.RateLimited(_options.LogOnly ? "log-only" : verdict == RateLimitVerdict.Slip ? "slip" : "drop");
        return _options.LogOnly ? RateLimitVerdict.Send : verdict;
    }

    /// <summary>The client's prefix, IPv4 as IPv4-mapped IPv6 so both families share one key type.</summary>
    private UInt128 Prefix(SocketAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        int bits;
        var buffer = address.Buffer.Span;
        var mapped = address.Family == AddressFamily.InterNetworkV6 && buffer.Slice(8, 10).IndexOfAnyExcept((byte)0) < 0 &&
            buffer[18] == 0xFF && buffer[19] == 0xFF;
        if (address.Family == AddressFamily.InterNetwork || mapped)
        {
            bytes[10] = bytes[11] = 0xFF;
            buffer.Slice(address.Family == AddressFamily.InterNetwork ? 4 : 20, 4).CopyTo(bytes[12..]);
            bits = 96 + _options.Ipv4PrefixLength;
        }
        else
        {
            buffer.Slice(8, 16).CopyTo(bytes);
            bits = _options.Ipv6PrefixLength;
        }

        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return bits == 0 ? UInt128.Zero : value & (UInt128.MaxValue << (128 - bits));
    }

    /// <summary>
    /// Past <see cref="RateLimitOptions.MaxTableSize"/> accounts, those idle for a window are dropped (their debt is
    /// paid); if that frees nothing, an eighth of the table goes, as BIND recycles its oldest entries.
    /// </summary>
    private void Recycle(long now)
    {
        if (Volatile.Read(ref _count) < _options.MaxTableSize || Interlocked.Exchange(ref _recycling, 1) == 1)
        {
            return;
        }

        try
        {
            var idle = (long)((_window + 1) * _time.TimestampFrequency);
            RemoveWhere((key, account) => now - account.Last > idle);
            if (Volatile.Read(ref _count) >= _options.MaxTableSize)
            {
                var excess = Math.Max(1, _options.MaxTableSize / 8);
                RemoveWhere((_, _) => excess-- > 0);
            }
        }
        finally
        {
            Volatile.Write(ref _recycling, 0);
        }
    }

    private void RemoveWhere(Func<RateLimitKey, RateLimitAccount, bool> stale)
    {
        foreach (var (key, account) in _accounts)
        {
            if (stale(key, account) && _accounts.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private void Report(QueryContext context, RateLimitKey key, RateLimitKind kind, int rate)
    {
        var ipv4 = key.Prefix >> 32 == 0xFFFF;
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key.Prefix);
        var prefix = ipv4
            ? $"{new IPAddress(bytes[12..])}/{_options.Ipv4PrefixLength}"
            : $"{new IPAddress(bytes)}/{_options.Ipv6PrefixLength}";
        var what = kind switch
        {
            RateLimitKind.Response => $"{DnsName.ToPresentation(context.QName)} {RecordType.ToName(context.Query.QType)}",
            RateLimitKind.Nxdomain => $"NXDOMAIN in {context.ZoneName}",
            _ => "errors",
        };
        Log.RateLimitStarted(_logger, _options.LogOnly ? "would limit" : "limiting", prefix, what, rate);
    }
}
