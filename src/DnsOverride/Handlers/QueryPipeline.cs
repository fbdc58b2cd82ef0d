using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Protocol;
using Endpoints.DnsOverride.RateLimiting;
using Endpoints.DnsOverride.Telemetry;
using Endpoints.DnsOverride.Transfers;
using Endpoints.DnsOverride.Tsig;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// The query path. The order of the handlers is fixed here and nowhere else: validate, check a TSIG, transfer a
/// zone, answer from our zones, forward; then response rate limiting looks at what is to be sent, and an answer to a
/// signed query is signed. Each query ends with one metric and, at
/// Debug, one log line.
/// </summary>
internal sealed class QueryPipeline
{
    private readonly IQueryHandler[] _handlers;
    private readonly AddressAcl _recursionAcl;
    private readonly int _udpPayloadLimit;
    private readonly DnsMetrics _metrics;
    private readonly ILogger<QueryPipeline> _logger;
    private readonly TimeProvider _time;
    private readonly ResponseRateLimiter _rateLimiter;
    private readonly TsigHandler _tsig;

    public QueryPipeline(
        RequestValidationHandler validation,
        TsigHandler tsig,
        TransferHandler transfer,
        AuthoritativeHandler authoritative,
        ForwardingHandler forwarding,
        ResponseRateLimiter rateLimiter,
        IOptions<DnsOverrideOptions> options,
        DnsMetrics metrics,
        ILogger<QueryPipeline> logger,
        TimeProvider time)
    {
        _handlers = [validation, tsig, transfer, authoritative, forwarding];
        _tsig = tsig;
        _rateLimiter = rateLimiter;
        _recursionAcl = new AddressAcl(options.Value.AllowRecursionNetworks);
        _udpPayloadLimit = options.Value.MaxUdpPayload;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    /// <summary>
    /// Runs the chain. While handlers complete synchronously (every authoritative answer) no state machine is
    /// created; the first handler that really waits hands the rest to <see cref="ContinueAsync"/>.
    /// </summary>
    public ValueTask ServeAsync(QueryContext context, CancellationToken cancellationToken)
    {
        context.StartTimestamp = _time.GetTimestamp();
        context.UdpPayloadLimit = _udpPayloadLimit;
        context.RecursionAllowed = context.Transport == DnsTransport.Udp
            ? _recursionAcl.Contains(context.UdpRemote)
            : context.TcpRemote is { } remote && _recursionAcl.Contains(remote.Address);
        try
        {
            for (var i = 0; i < _handlers.Length; i++)
            {
                var pending = _handlers[i].TryServeAsync(context, cancellationToken);
                if (!pending.IsCompleted)
                {
                    return ContinueAsync(pending, i, context, cancellationToken);
                }

                if (pending.Result)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(context, ex);
        }

        Complete(context);
        return default;
    }

    private async ValueTask ContinueAsync(ValueTask<bool> pending, int index, QueryContext context, CancellationToken cancellationToken)
    {
        try
        {
            var mine = await pending.ConfigureAwait(false);
            for (var i = index + 1; !mine && i < _handlers.Length; i++)
            {
                mine = await _handlers[i].TryServeAsync(context, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(context, ex);
        }

        Complete(context);
    }

    private void Limit(QueryContext context)
    {
        switch (_rateLimiter.Check(context))
        {
            case RateLimitVerdict.Drop:
                context.Decision = QueryDecision.RateLimited;
                context.ResponseLength = 0;
                break;
            case RateLimitVerdict.Slip:
                context.Decision = QueryDecision.RateSlipped;
                context.Query.Flags |= DnsFlags.Truncated;
                ResponseBuilder.WriteError(context, context.Rcode);
                break;
        }
    }

    private void Fail(QueryContext context, Exception exception)
    {
        Log.ServeError(_logger, exception, context.Transport.ToString(), context.RemoteEndPoint.ToString());
        context.Decision = QueryDecision.Error;
        ResponseBuilder.WriteError(context, ResponseCode.ServFail);
    }

    /// <summary>
    /// Ends the query on the thread that served it (a UDP receive thread for every authoritative answer): whatever
    /// fails here costs this answer only, and is counted; an exception out of here would end the process.
    /// </summary>
    private void Complete(QueryContext context)
    {
        try
        {
            Finish(context);
        }
#pragma warning disable CA1031 // see above: nothing may escape to the receive thread
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.ResponseLength = 0;
            _metrics.Dropped(QueryDecisions.Word(QueryDecision.Error, context.ForwardStatus));
            try
            {
                Log.ServeError(_logger, ex, context.Transport.ToString(), context.RemoteEndPoint.ToString());
            }
#pragma warning disable CA1031 // the log sink itself is what failed; the metric above still counts it
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void Finish(QueryContext context)
    {
        if (_rateLimiter.Enabled)
        {
            Limit(context);
        }

        _tsig.SignAnswer(context);

        if (context.ResponseLength == 0)
        {
            _metrics.Dropped(QueryDecisions.Word(context.Decision, context.ForwardStatus));
            return;
        }

        var type = RecordType.ToName(context.Query.QType);
        var rcode = ResponseCode.ToName(context.Rcode);
        var elapsed = _time.GetElapsedTime(context.StartTimestamp);
        _metrics.Query(context.ZoneName.Length > 0 ? context.ZoneName : "-", context.Query.QType, context.Rcode, context.Decision, context.ForwardStatus,
            elapsed.TotalSeconds, context.ResponseLength);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
#pragma warning disable CA1873 // guarded by IsEnabled just above, which the analyzer does not see through
            Log.Query(_logger, context.RemoteEndPoint.ToString(), DnsName.ToPresentation(context.QName), type,
                context.Transport == DnsTransport.Udp ? "udp" : "tcp", QueryDecisions.Word(context.Decision, context.ForwardStatus), rcode, context.ResponseLength,
                elapsed.TotalMilliseconds);
#pragma warning restore CA1873
        }
    }
}
