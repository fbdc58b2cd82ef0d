using Microsoft.Extensions.Logging;

namespace Endpoints.Proxy.Telemetry;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "conn client={Client} mode={Mode} dest={Destination} decision={Decision} rule={Rule} reason=\"{Reason}\" up={BytesUp} down={BytesDown} duration={DurationMs:F1}ms end={End}{User}{Vpce}")]
    public static partial void Connection(ILogger logger, string client, string mode, string destination, string decision, string rule, string reason,
        long bytesUp, long bytesDown, double durationMs, string end, string user, string vpce);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Listening for {Mode} on {Endpoint}")]
    public static partial void Listening(ILogger logger, string mode, System.Net.IPEndPoint endpoint);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Connection limit {Limit} reached; refusing {Client}")]
    public static partial void Overloaded(ILogger logger, int limit, string client);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Draining: {Active} tunnels open, waiting up to {Seconds}s")]
    public static partial void Draining(ILogger logger, int active, double seconds);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Stopped; {Active} tunnels were cut")]
    public static partial void Stopped(ILogger logger, int active);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Policy loaded from {Path} ({Reason}): {Rules} rules")]
    public static partial void PolicyLoaded(ILogger logger, string path, string reason, int rules);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Policy {Path} not loaded ({Reason}), keeping the last good one: {Error}")]
    public static partial void PolicyFailed(ILogger logger, string path, string reason, string error);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Users loaded from {Path} ({Reason}): {Users} accounts")]
    public static partial void UsersLoaded(ILogger logger, string path, string reason, int users);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Users {Path} not loaded ({Reason}), keeping the last good accounts: {Error}")]
    public static partial void UsersFailed(ILogger logger, string path, string reason, string error);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Policy {Path}: {Warning}")]
    public static partial void PolicyWarning(ILogger logger, string path, string warning);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information,
        Message = "Memory collected after a load spike: {Peak} connections open at most, {Open} now; heap {Before} MiB -> {After} MiB")]
    public static partial void CollectedAfterLoad(ILogger logger, int peak, int open, long before, long after);

    [LoggerMessage(EventId = 26, Level = LogLevel.Information, Message = "Certificate loaded from {Path} ({Reason}): {Certificate}")]
    public static partial void CertificateLoaded(ILogger logger, string path, string reason, string certificate);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "Certificate {Path} not loaded ({Reason}), keeping the last good one: {Error}")]
    public static partial void CertificateFailed(ILogger logger, string path, string reason, string error);

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning,
        Message = "AllowBasicOverPlaintext: Basic passwords are taken on plaintext listeners ({Listeners}) and cross the network in clear; prefer --connect-tls")]
    public static partial void BasicOverPlaintext(ILogger logger, string listeners);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Keytab {Keytab} loaded ({Reason}): {Keys} keys")]
    public static partial void KeytabLoaded(ILogger logger, string keytab, string reason, int keys);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Keytab {Keytab} not loaded ({Reason}), keeping the keys in service: {Error}")]
    public static partial void KeytabFailed(ILogger logger, string keytab, string reason, string error);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Unexpected error on a {Mode} connection from {Client}")]
    public static partial void ConnectionError(ILogger logger, Exception exception, string mode, string client);
}
