using Microsoft.Extensions.Logging;

namespace Endpoints.DnsOverride.Telemetry;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "query {Client} {Name} {Type} {Transport} decision={Decision} rcode={Rcode} size={Size} latency={LatencyMs:F3}ms")]
    public static partial void Query(ILogger logger, string client, string name, string type, string transport, string decision, string rcode, int size, double latencyMs);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Listening on {Transport} {Endpoint}")]
    public static partial void Listening(ILogger logger, string transport, System.Net.IPEndPoint endpoint);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Forwarding to {Upstreams}")]
    public static partial void Upstreams(ILogger logger, IEnumerable<Forwarding.Upstream> upstreams);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Stopped after {Milliseconds:F0} ms; {InFlight} queries were still in flight")]
    public static partial void Stopped(ILogger logger, int inFlight, double milliseconds);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "UDP {Endpoint}: a query failed outside the handlers; receiving goes on")]
    public static partial void ReceiveError(ILogger logger, System.Net.IPEndPoint endpoint, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Stopping: {InFlight} forwards in flight; answering until they finish")]
    public static partial void Stopping(ILogger logger, int inFlight);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Loaded {Count} zones from {Directory} (source commit {Commit}): {Zones}")]
    public static partial void ZonesLoaded(ILogger logger, int count, string directory, string commit, string zones);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Zone error: {Error}")]
    public static partial void ZoneError(ILogger logger, Zones.ZoneError error);

    [LoggerMessage(EventId = 25, Level = LogLevel.Error, Message = "Zone reload ({Reason}) failed; the zones in service stay")]
    public static partial void ZoneReloadFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Zone file {File} failed to load; {Action}")]
    public static partial void ZoneFileFailed(ILogger logger, string file, string action);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "Reloading zones ({Reason})")]
    public static partial void Reloading(ILogger logger, string reason);

    [LoggerMessage(EventId = 24, Level = LogLevel.Debug, Message = "Zone warning: {Warning}")]
    public static partial void ZoneWarning(ILogger logger, Zones.ZoneError warning);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Upstream {Upstream} failed: {Reason}")]
    public static partial void UpstreamFailed(ILogger logger, string upstream, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Upstream {Upstream} marked down for {Seconds}s: {Failures} failures on different questions and no answer")]
    public static partial void UpstreamDown(ILogger logger, string upstream, double seconds, int failures);

    [LoggerMessage(EventId = 34, Level = LogLevel.Warning, Message = "Upstream {Upstream} failed its probe; marked down for {Seconds}s")]
    public static partial void UpstreamProbeFailed(ILogger logger, string upstream, double seconds);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Upstream {Upstream} is answering again")]
    public static partial void UpstreamUp(ILogger logger, string upstream);

    [LoggerMessage(EventId = 35, Level = LogLevel.Warning,
        Message = "Upstream {Upstream} answered with the question's case changed; its queries go lowercase (no 0x20) for {Minutes} minutes")]
    public static partial void UpstreamIgnoresCase(ILogger logger, string upstream, int minutes);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Upstream {Upstream} probed: its back-off has expired")]
    public static partial void UpstreamProbe(ILogger logger, string upstream);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Rate limit: {Action} responses to {Prefix} for {What} (over {Rate}/s)")]
    public static partial void RateLimitStarted(ILogger logger, string action, string prefix, string what, int rate);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Error serving a {Transport} query from {Client}")]
    public static partial void ServeError(ILogger logger, Exception exception, string transport, string client);

    [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "TCP connection from {Client} closed: {Reason}")]
    public static partial void TcpClosed(ILogger logger, System.Net.IPEndPoint client, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "TCP connection limit {Limit} reached; refusing {Client}")]
    public static partial void TcpLimit(ILogger logger, int limit, string client);

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Fetching {Name} for the cache failed")]
    public static partial void CacheFetchFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "NOTIFY for {Zone} (serial {Serial}) acknowledged by {Target} after {Tries} tries")]
    public static partial void NotifyAcknowledged(ILogger logger, string zone, uint serial, System.Net.IPEndPoint target, int tries);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "NOTIFY for {Zone} (serial {Serial}) refused by {Target}: {Rcode}; not sent again")]
    public static partial void NotifyRefused(ILogger logger, string zone, uint serial, System.Net.IPEndPoint target, string rcode);

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "NOTIFY for {Zone} (serial {Serial}) to {Target} not acknowledged after {Tries} tries")]
    public static partial void NotifyUnacknowledged(ILogger logger, string zone, uint serial, System.Net.IPEndPoint target, int tries);

    [LoggerMessage(EventId = 80, Level = LogLevel.Warning, Message = "Health: {Target} ({Zone}) is down: {Reason}; answers leave it out while another address of its RRset is up")]
    public static partial void HealthDown(ILogger logger, string target, string zone, string reason);

    [LoggerMessage(EventId = 81, Level = LogLevel.Information, Message = "Health: {Target} ({Zone}) is up")]
    public static partial void HealthUp(ILogger logger, string target, string zone);

    [LoggerMessage(EventId = 82, Level = LogLevel.Error, Message = "{Error}; the health checks in service stay as they were")]
    public static partial void HealthConfigError(ILogger logger, string error);
}
