using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Endpoints.Common.Networking;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Forwarding;

/// <summary>
/// Relays queries to the upstreams unchanged but for a fresh random ID and random case in the question name (0x20,
/// as Unbound's use-caps-for-id: an answer must echo it), from a random source port (RFC 5452) that lives for one
/// exchange, or a few tens of milliseconds under load (<see cref="UpstreamSocketPool"/>). An upstream that answers
/// with the case changed is asked again at once in lowercase, and gets lowercase questions for
/// <see cref="Upstream.CaseFallback"/>. A timeout moves on to the next upstream; a truncated answer is fetched again over TCP; SERVFAIL and REFUSED try the next upstream too, and REFUSED from every upstream becomes
/// SERVFAIL (the client asked us, and we do serve it; as BIND answers). A question that timed out is answered
/// SERVFAIL for a few seconds without asking again (<see cref="TimedOutQuestions"/>).
/// </summary>
internal sealed class Forwarder : IDisposable
{
    private const int MaxRounds = 2;

    /// <summary>Our queries offer EDNS 1232 (DnsQuery.DefaultEdnsPayload); answers over UDP fit, with room for upstreams that send more.</summary>
    private const int UdpResponseSize = 4096;
    private static readonly TimeSpan MinAttempt = TimeSpan.FromMilliseconds(50);

    private readonly UpstreamSet _upstreams;
    private readonly TimeProvider _time;
    private readonly ILogger<Forwarder> _logger;
    private readonly DnsMetrics _metrics;
    private readonly TimeSpan _attemptTimeout;
    private readonly TimeSpan _deadline;
    private readonly int _maxInFlight;
    private readonly TimedOutQuestions _timedOut;
    private readonly ExchangeTimeouts _timeouts;
    private long _stopDeadlineTicks = DateTimeOffset.MaxValue.UtcTicks;
    private int _inFlight;

    public Forwarder(IOptions<DnsOverrideOptions> options, TimeProvider time, ILogger<Forwarder> logger, DnsMetrics metrics)
    {
        var settings = options.Value;
        _upstreams = new UpstreamSet(settings.UpstreamEndPoints, time, logger, metrics);
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _attemptTimeout = settings.UpstreamTimeout;
        _deadline = settings.ForwardDeadline;
        _maxInFlight = settings.MaxForwardsInFlight;
        _timedOut = new TimedOutQuestions(time);
        // Waits on the network run on the real clock, even under a test's fake one: an answer or ICMP error that never
        // comes (the kernel rate-limits ICMP) must still end the attempt. Back-offs and holds follow the given clock.
        _timeouts = new ExchangeTimeouts(TimeProvider.System, _upstreams.TrimSockets);
    }

    public IReadOnlyList<Upstream> Upstreams => _upstreams.All;

    public void Dispose() => _timeouts.Dispose();

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>On stop: forwards started from now on end by <paramref name="deadline"/>, as those already in flight do.</summary>
    public void BeginStop(DateTimeOffset deadline) => Volatile.Write(ref _stopDeadlineTicks, deadline.UtcTicks);

    /// <summary>
    /// Relays <paramref name="query"/>; an answer comes back in a pooled buffer that the caller gives back with
    /// <see cref="ForwardResult.Release"/>.
    /// </summary>
    public async Task<ForwardResult> ForwardAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var questionEnd = MessageReader.SkipQuestion(query.Span);
        if (questionEnd > DnsFlags.HeaderLength && _timedOut.Contains(query.Span[DnsFlags.HeaderLength..questionEnd]))
        {
            _metrics.Forwarded(ForwardStatus.RecentTimeout.Word(), 0);
            return new ForwardResult(ForwardStatus.RecentTimeout, 0);
        }

        if (Interlocked.Increment(ref _inFlight) > _maxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            _metrics.Forwarded(ForwardStatus.Overload.Word(), 0);
            return new ForwardResult(ForwardStatus.Overload, 0);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(query.Length);
        try
        {
            var result = await RelayAsync(query, buffer.AsMemory(0, query.Length), questionEnd, cancellationToken).ConfigureAwait(false);
            if (result.Status != ForwardStatus.Answered)
            {
                result.Release();
                result = result with { Buffer = null };
            }

            if (result.Status == ForwardStatus.Timeout && questionEnd > DnsFlags.HeaderLength)
            {
                _timedOut.Add(query.Span[DnsFlags.HeaderLength..questionEnd]);
            }

            _metrics.Forwarded(result.Status.Word(), _time.GetElapsedTime(start).TotalSeconds);
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// Tries the upstreams in turn. The result always carries the response buffer: a pooled UDP-sized one, or the
    /// larger one a truncated answer was fetched into over TCP; the caller releases it unless it is an answer.
    /// </summary>
    private async Task<ForwardResult> RelayAsync(ReadOnlyMemory<byte> query, Memory<byte> sent, int questionEnd, CancellationToken cancellationToken)
    {
        query.CopyTo(sent);
        var response = ArrayPool<byte>.Shared.Rent(UdpResponseSize);
        var clientId = BinaryPrimitives.ReadUInt16BigEndian(query.Span);
        var deadline = _time.GetUtcNow() + _deadline;
        var stopDeadline = new DateTimeOffset(Volatile.Read(ref _stopDeadlineTicks), TimeSpan.Zero);
        deadline = stopDeadline < deadline ? stopDeadline : deadline;

        // A second round only when something timed out: a lost datagram is worth one retry, a refusal is not.
        var failure = ForwardStatus.NoUpstream;
        for (var round = 0; round < MaxRounds; round++)
        {
            var order = _upstreams.Order();
            var timedOut = false;
            for (var i = 0; i < order.Count; i++)
            {
                var upstream = order[i];
                var remaining = deadline - _time.GetUtcNow();
                if (remaining < MinAttempt)
                {
                    return new ForwardResult(ForwardStatus.Timeout, 0, response);
                }

                BinaryPrimitives.WriteUInt16BigEndian(sent.Span, QueryIds.Next());
                QueryCase.Set(sent.Span[..questionEnd], upstream.PreservesCase(_time.GetUtcNow()));
                var timeout = remaining < _attemptTimeout ? remaining : _attemptTimeout;
                var answersAtSend = upstream.Answers;
                var attempt = _time.GetTimestamp();
                var (length, status, received) = await ExchangeAsync(upstream, sent, response, questionEnd, timeout, cancellationToken).ConfigureAwait(false);
                response = received;
                if (status != ForwardStatus.Answered)
                {
                    timedOut |= status == ForwardStatus.Timeout;

                    // A timeout says most about why nothing answered; otherwise the last failure.
                    failure = timedOut ? ForwardStatus.Timeout : status;
                    _upstreams.Failed(upstream, status, query.Span, questionEnd, answersAtSend);
                    continue;
                }

                _upstreams.Answered(upstream, _time.GetElapsedTime(attempt));

                // SERVFAIL or REFUSED from one upstream may be its own trouble: ask the next. The last SERVFAIL is
                // passed on; a REFUSED never is, since it would tell the client that we refuse it.
                var rcode = response[3] & DnsFlags.RcodeMask;
                if (rcode == ResponseCode.Refused)
                {
                    failure = timedOut ? ForwardStatus.Timeout : ForwardStatus.UpstreamRefused;
                    continue;
                }

                if (rcode == ResponseCode.ServFail && i < order.Count - 1)
                {
                    continue;
                }

                BinaryPrimitives.WriteUInt16BigEndian(response, clientId);
                return new ForwardResult(ForwardStatus.Answered, length, response);
            }

            if (!timedOut)
            {
                break;
            }
        }

        return new ForwardResult(failure, 0, response);
    }

    /// <summary>
    /// One attempt: over UDP into <paramref name="response"/> on a pooled socket, and over TCP into a buffer big
    /// enough for any message after a truncated answer.
    /// </summary>
    private async Task<(int Length, ForwardStatus Status, byte[] Buffer)> ExchangeAsync(
        Upstream upstream, Memory<byte> query, byte[] response, int questionEnd, TimeSpan timeout, CancellationToken cancellationToken)
    {
        UpstreamSocket socket;
        try
        {
            socket = upstream.Sockets.Rent();
        }
        catch (SocketException)
        {
            return (0, ForwardStatus.NetworkError, response);
        }

        _timeouts.Start(socket, timeout);
        var udp = await socket.ExchangeAsync(query, response, questionEnd).ConfigureAwait(false);
        if (udp.Ok && socket.CaseChanged)
        {
            if (upstream.ChangedCase(_time.GetUtcNow()))
            {
                Log.UpstreamIgnoresCase(_logger, upstream.Name, (int)Upstream.CaseFallback.TotalMinutes);
            }

            QueryCase.Set(query.Span[..questionEnd], random: false);
            udp = await socket.ExchangeAsync(query, response, questionEnd).ConfigureAwait(false);
            udp = udp.Ok && socket.CaseChanged ? new SocketResult(0, SocketError.NoData) : udp;
        }

        if (!_timeouts.Stop(socket))
        {
            socket.Dispose();
            return (0, ForwardStatus.Timeout, response);
        }

        if (!udp.Ok)
        {
            socket.Dispose();
            return (0, udp.Error is SocketError.ConnectionRefused or SocketError.ConnectionReset ? ForwardStatus.Refused : ForwardStatus.NetworkError, response);
        }

        upstream.Sockets.Return(socket);
        if ((response[2] & (DnsFlags.Truncated >> 8)) == 0)
        {
            return (udp.Bytes, ForwardStatus.Answered, response);
        }

        if (response.Length < ushort.MaxValue)
        {
            ArrayPool<byte>.Shared.Return(response);
            response = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        }

        using var timeoutSource = new CancellationTokenSource(timeout, TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            var length = await UpstreamExchange.TcpAsync(upstream, query, response, questionEnd, linked.Token).ConfigureAwait(false);
            return length > 0 ? (length, ForwardStatus.Answered, response) : (0, ForwardStatus.Malformed, response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, ForwardStatus.Timeout, response);
        }
        catch (SocketException)
        {
            return (0, ForwardStatus.TcpFailed, response);
        }
    }
}
